"""A real BitTorrent swarm on 127.0.0.1 for the torrent tests: torrents made from files the test
writes, seeded by a second libtorrent session with DHT, local discovery, UPnP and NAT-PMP off."""
from __future__ import annotations

import hashlib
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import libtorrent as lt

LOCAL_ONLY = {
    "listen_interfaces": "127.0.0.1:0",
    "enable_dht": False,
    "enable_lsd": False,
    "enable_upnp": False,
    "enable_natpmp": False,
    "allow_multiple_connections_per_ip": True,
    "tick_interval": 100,
    "alert_mask": 0,
}


@dataclass
class SeededTorrent:
    info_hash: str
    name: str
    root: Path  # the directory the files lie in (the save path)
    files: dict[str, bytes]  # path inside the torrent -> content
    info: bytes  # the bencoded info dictionary
    port: int
    handle: lt.torrent_handle | None = None

    @property
    def magnet(self) -> str:
        return f"magnet:?xt=urn:btih:{self.info_hash}&dn={self.name}&x.pe=127.0.0.1:{self.port}"

    def content(self, path: str) -> bytes:
        return self.files[path]


def make_torrent(root: Path, name: str, files: dict[str, bytes], piece_length: int = 64 * 1024,
                 info_override: dict | None = None) -> tuple[bytes, bytes]:
    """Write ``files`` under ``root/name`` (one file: ``root/name`` itself) and return the
    .torrent and its bencoded info dictionary. ``info_override`` replaces keys of the info
    dictionary after hashing (hostile names)."""
    if len(files) == 1 and next(iter(files)) == name:
        (root / name).write_bytes(files[name])
        entries = None
        data = files[name]
    else:
        entries = []
        data = b""
        for path, content in files.items():
            target = root / name / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            entries.append({b"length": len(content), b"path": [p.encode() for p in path.split("/")]})
            data += content
    pieces = b"".join(hashlib.sha1(data[i:i + piece_length]).digest() for i in range(0, len(data), piece_length))
    info = {b"name": name.encode(), b"piece length": piece_length, b"pieces": pieces}
    if entries is None:
        info[b"length"] = len(data)
    else:
        info[b"files"] = entries
    info.update(info_override or {})
    info_bytes = lt.bencode(info)
    return lt.bencode({b"info": info}), info_bytes


class Seeder:
    """One libtorrent session on 127.0.0.1 seeding the torrents a test makes."""

    def __init__(self, upload_limit: int = 0) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="marquee-seeder-"))
        self.session = lt.session(LOCAL_ONLY)
        if upload_limit:
            self.limit_uploads(upload_limit)
        self.torrents: list[SeededTorrent] = []

    def limit_uploads(self, rate: int) -> None:
        """Cap what this seeder sends, to peers on 127.0.0.1 too (they are in the local class)."""
        self.session.apply_settings({"upload_rate_limit": rate})
        local = self.session.get_peer_class(self.session.local_peer_class_id)
        local["upload_limit"] = rate
        self.session.set_peer_class(self.session.local_peer_class_id, local)

    @property
    def port(self) -> int:
        return self.session.listen_port()

    def seed(self, name: str, files: dict[str, bytes], piece_length: int = 64 * 1024,
             info_override: dict | None = None, save_as: dict[str, str] | None = None) -> SeededTorrent:
        root = Path(tempfile.mkdtemp(dir=self.directory))
        torrent, info = make_torrent(root, name, files, piece_length, info_override)
        ti = lt.torrent_info(torrent)
        if save_as:  # where libtorrent looks for a hostile path's bytes: move them there
            for path, sanitised in save_as.items():
                target = root / sanitised
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(str(root / name / path), target)
        params = lt.add_torrent_params()
        params.ti = ti
        params.save_path = str(root)
        params.flags |= lt.torrent_flags.seed_mode
        params.flags &= ~lt.torrent_flags.auto_managed
        params.flags &= ~lt.torrent_flags.paused
        handle = self.session.add_torrent(params)
        seeded = SeededTorrent(str(ti.info_hashes().v1), name, root, dict(files), info, self.port, handle)
        self.torrents.append(seeded)
        return seeded

    def wait_listening(self, timeout: float = 5) -> None:
        deadline = time.monotonic() + timeout
        while not self.port and time.monotonic() < deadline:
            time.sleep(0.02)

    def close(self) -> None:
        for torrent in self.torrents:
            if torrent.handle is not None and torrent.handle.is_valid():
                self.session.remove_torrent(torrent.handle)
        del self.session
        shutil.rmtree(self.directory, ignore_errors=True)
