"""Fetching a magnet's metadata in a ``torrents`` worker: one libtorrent session per worker
process, the torrent added in upload mode (no piece is downloaded), removed once its info
dictionary has arrived or the deadline has passed."""
from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass

import libtorrent as lt

from app.torrents.magnets import TorrentSource
from app.torrents.sessions import new_session

POLL_SECONDS = 0.02

_session: lt.session | None = None
_session_pid: int | None = None
_lock = threading.Lock()
_inflight: dict[str, threading.Lock] = {}


@dataclass(frozen=True)
class FetchOutcome:
    info: bytes | None  # the bencoded info dictionary, None when it did not arrive in time
    peers_seen: int  # the most peers connected at once: 0 means nobody answered (NO_SEEDS)
    peers: tuple[tuple[str, int], ...] = ()


def session(config) -> lt.session:
    """This process's metadata session (a forked worker makes its own)."""
    global _session, _session_pid
    with _lock:
        if _session is None or _session_pid != os.getpid():
            _session, _session_pid = new_session(config), os.getpid()
        return _session


def _hash_lock(info_hash: str) -> threading.Lock:
    with _lock:
        return _inflight.setdefault(info_hash, threading.Lock())


def fetch(config, source: TorrentSource, timeout: float) -> FetchOutcome:
    """The info dictionary of ``source`` within ``timeout`` seconds, from its peer hints, its
    trackers and the DHT. Two fetches of one hash in one process take turns, so the second finds
    the first's result stored instead of adding the torrent twice."""
    with _hash_lock(source.info_hash):
        return _fetch(config, source, timeout)


def _fetch(config, source: TorrentSource, timeout: float) -> FetchOutcome:
    lt_session = session(config)
    params = lt.parse_magnet_uri(source.magnet())
    work = tempfile.mkdtemp(prefix="marquee-metadata-")
    params.save_path = work
    params.flags |= lt.torrent_flags.upload_mode
    params.flags &= ~lt.torrent_flags.auto_managed
    params.flags &= ~lt.torrent_flags.paused
    handle = lt_session.add_torrent(params)
    deadline = time.monotonic() + timeout
    peers_seen = 0
    try:
        while True:
            status = handle.status()
            peers_seen = max(peers_seen, status.num_peers)
            if status.has_metadata:
                info = handle.torrent_file().info_section()
                peers = tuple((p.ip[0], p.ip[1]) for p in handle.get_peer_info()
                              if p.flags & lt.peer_info.local_connection)  # we dialled: a listening port
                return FetchOutcome(bytes(info), max(peers_seen, 1), peers)
            if time.monotonic() >= deadline:
                return FetchOutcome(None, peers_seen)
            lt_session.pop_alerts()  # nothing here reads them; keep the queue from filling
            time.sleep(POLL_SECONDS)
    finally:
        lt_session.remove_torrent(handle, lt.session.delete_files)
        shutil.rmtree(work, ignore_errors=True)
