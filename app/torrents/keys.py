"""Redis keys of the torrents domain."""
from __future__ import annotations

from app.core.keys import key


def metadata_reply(token: str) -> str:
    """List: the metadata task pushes its outcome here for the one request waiting on it."""
    return key("torrents", "metadata-reply", token)


def status(info_hash: str) -> str:
    """JSON: a running stream's status, written by its streamer about once a second (short TTL)."""
    return key("torrents", "status", info_hash)


def stopped(info_hash: str) -> str:
    """Why the stream of this torrent stopped last (idle, deleted, evicted)."""
    return key("torrents", "stopped", info_hash)


def indexer_caps(name: str) -> str:
    """JSON: a Torznab indexer's search modes and their parameters (null: it would not say)."""
    return key("torrents", "indexer-caps", name)
