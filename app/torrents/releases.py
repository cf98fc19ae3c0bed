"""Search results as the API shows them: quality and codec guessed from a release title, the
ranking (best first) and merging the same torrent found by several indexers.

Pure. Best first means: a torrent someone seeds before one nobody does, a real release before a
camera copy, then more seeders, then higher resolution, then the larger file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

_QUALITIES = [  # (label, rank, pattern): first match wins
    ("2160p", 5, re.compile(r"\b(2160p|4k|uhd)\b", re.IGNORECASE)),
    ("1080p", 4, re.compile(r"\b1080[pi]\b", re.IGNORECASE)),
    ("720p", 3, re.compile(r"\b720p\b", re.IGNORECASE)),
    ("480p", 2, re.compile(r"\b(480p|576p|dvdrip|sd)\b", re.IGNORECASE)),
    ("CAM", 0, re.compile(r"\b(cam|camrip|hdcam|ts|telesync|hdts|tc|telecine)\b", re.IGNORECASE)),
]
_CODECS = [
    ("HEVC", re.compile(r"\b(x\.?265|h\.?265|hevc)\b", re.IGNORECASE)),
    ("AV1", re.compile(r"\bav1\b", re.IGNORECASE)),
    ("H.264", re.compile(r"\b(x\.?264|h\.?264|avc)\b", re.IGNORECASE)),
    ("VP9", re.compile(r"\bvp9\b", re.IGNORECASE)),
    ("XviD", re.compile(r"\b(xvid|divx)\b", re.IGNORECASE)),
]
_RANKS = {label: rank for label, rank, _ in _QUALITIES}


def guess_quality(title: str) -> str | None:
    normalised = re.sub(r"[._]", " ", title)
    return next((label for label, _, pattern in _QUALITIES if pattern.search(normalised)), None)


def guess_codec(title: str) -> str | None:
    normalised = re.sub(r"[_]", " ", title)
    return next((label for label, pattern in _CODECS if pattern.search(normalised)), None)


@dataclass(frozen=True)
class Release:
    title: str
    info_hash: str
    magnet: str
    size: int | None
    seeders: int
    leechers: int
    indexers: tuple[str, ...] = field(default_factory=tuple)
    published_at: str | None = None

    @property
    def quality(self) -> str | None:
        return guess_quality(self.title)

    @property
    def codec(self) -> str | None:
        return guess_codec(self.title)

    def as_dict(self) -> dict:
        return {"title": self.title, "info_hash": self.info_hash, "magnet": self.magnet, "size": self.size,
                "seeders": self.seeders, "leechers": self.leechers, "quality": self.quality, "codec": self.codec,
                "indexers": list(self.indexers), "published_at": self.published_at}


def rank_key(release: Release) -> tuple:
    quality = release.quality
    return (release.seeders > 0, quality != "CAM", release.seeders, _RANKS.get(quality, 1), release.size or 0)


def merge(releases: list[Release]) -> list[Release]:
    """One result per info-hash (the most seeded report of it, naming every indexer that had it),
    best first."""
    by_hash: dict[str, Release] = {}
    for release in releases:
        known = by_hash.get(release.info_hash)
        if known is None:
            by_hash[release.info_hash] = release
            continue
        indexers = tuple(dict.fromkeys(known.indexers + release.indexers))
        best = release if (release.seeders, release.leechers) > (known.seeders, known.leechers) else known
        by_hash[release.info_hash] = replace(best, indexers=indexers, size=best.size or known.size or release.size)
    return sorted(by_hash.values(), key=rank_key, reverse=True)
