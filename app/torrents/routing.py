"""Which streamer serves an info-hash: rendezvous (highest random weight) hashing.

Pure. Every web process computes the same answer with no shared state, and adding or removing a
streamer moves only the torrents that streamer gains or held (about 1/n of them), so the others
keep their warm sessions and downloaded pieces.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Streamer:
    public_url: str  # what browsers fetch stream bytes from
    internal_url: str  # what the web process calls to start and stop streams

    @property
    def name(self) -> str:
        return self.public_url


def weight(node: str, info_hash: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{node}|{info_hash}".encode()).digest()[:8], "big")


def pick(info_hash: str, streamers: list[Streamer]) -> Streamer:
    if not streamers:
        raise ValueError("no streamer to pick from")
    return max(streamers, key=lambda s: weight(s.name, info_hash))


def streamers_from(public: list[str], internal: list[str]) -> list[Streamer]:
    internal = internal or public
    return [Streamer(p.rstrip("/"), i.rstrip("/")) for p, i in zip(public, internal)]
