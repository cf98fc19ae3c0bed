"""Redis keys of the playback domain."""
from __future__ import annotations

from app.core.keys import key


def session(session_id: str) -> str:
    """The live state of one session (hash; expires PLAYBACK_SESSION_TTL after the last report)."""
    return key("playback", "session", session_id)


def active(user_id: int, item_key: str) -> str:
    """The open session of a user on one item, for clients that report without a session id."""
    return key("playback", "active", user_id, item_key)


def forgotten(user_id: int, item_key: str | None = None) -> str:
    """Server time (epoch ms) up to which a user's reports on one item (or, without an item, on
    every item) were forgotten by a history delete; expires once no such report can be alive."""
    return key("playback", "forgotten", user_id, *([item_key] if item_key else []))


def dirty() -> str:
    """Session ids with reports not yet written to the database."""
    return key("playback", "dirty")


def flushing() -> str:
    """Session ids a flush has taken; left behind only by a flush that died, and retried."""
    return key("playback", "flushing")


def flush_lock() -> str:
    return key("playback", "flush-lock")
