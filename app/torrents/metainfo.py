"""A torrent's info dictionary (the metadata a magnet fetches) as the rest of the domain uses it.

The stored form is the bencoded info dictionary itself, exactly as the swarm sent it (its SHA-1
is the info-hash, so it is checked, not trusted). libtorrent reads it: file paths come out
sanitised (``..``, absolute paths and NUL are gone), and file indexes are libtorrent's own, so
the API's ``fileIndex`` is the one the session uses.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import libtorrent as lt

from app.torrents.files import TorrentFile

MAX_INFO_BYTES = 8 * 1024 * 1024
MAX_FILES = 20_000


class MetainfoError(ValueError):
    pass


@dataclass(frozen=True)
class Metainfo:
    info_hash: str
    name: str
    piece_length: int
    num_pieces: int
    total_size: int
    files: tuple[TorrentFile, ...]

    def file(self, index: int) -> TorrentFile | None:
        return self.files[index] if 0 <= index < len(self.files) else None


def torrent_info(info: bytes, trackers: list[str] | tuple[str, ...] = ()) -> lt.torrent_info:
    """libtorrent's view of a stored info dictionary, with the trackers the magnet named."""
    torrent = {b"info": lt.bdecode(info)}
    if trackers:
        torrent[b"announce"] = trackers[0].encode()
        torrent[b"announce-list"] = [[t.encode()] for t in trackers]
    return lt.torrent_info(lt.bencode(torrent))


def read_info(info: bytes, expected_hash: str | None = None) -> Metainfo:
    if not info or len(info) > MAX_INFO_BYTES:
        raise MetainfoError("the info dictionary is empty or too large")
    info_hash = hashlib.sha1(info).hexdigest()
    if expected_hash and info_hash != expected_hash:
        raise MetainfoError("the info dictionary does not match its info-hash")
    try:
        ti = torrent_info(info)
    except (RuntimeError, TypeError, ValueError) as exc:
        raise MetainfoError(f"libtorrent cannot read the info dictionary: {exc}") from None
    layout = ti.layout()
    if layout.num_files() > MAX_FILES:
        raise MetainfoError(f"the torrent has more than {MAX_FILES} files")
    pad_flag = layout.flag_pad_file
    files = tuple(TorrentFile(index=i, path=layout.file_path(i).replace("\\", "/"), size=layout.file_size(i),
                              offset=layout.file_offset(i), pad=bool(layout.file_flags(i) & pad_flag))
                  for i in range(layout.num_files()))
    return Metainfo(info_hash=info_hash, name=ti.name(), piece_length=ti.piece_length(),
                    num_pieces=ti.num_pieces(), total_size=ti.total_size(), files=files)
