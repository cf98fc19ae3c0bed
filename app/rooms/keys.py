"""Redis keys of the rooms domain, one function per key (all under the project prefix)."""
from __future__ import annotations

from app.core.keys import key


def room(room_id: str) -> str:
    """Hash: ``room`` (JSON of meta, options, playback state) and ``version``."""
    return key("rooms", "room", room_id)


def participants(room_id: str) -> str:
    """Hash: user id -> JSON member."""
    return key("rooms", "members", room_id)


def chat(room_id: str) -> str:
    """List of the last chat messages (JSON), newest last."""
    return key("rooms", "chat", room_id)


def chat_rate(room_id: str, user_id: str) -> str:
    return key("rooms", "chat-rate", room_id, user_id)


def public_index() -> str:
    """Sorted set of public room ids by creation time."""
    return key("rooms", "public")


def activity_index() -> str:
    """Sorted set of every room id by last activity (epoch ms), read by the idle sweep."""
    return key("rooms", "activity")


def events_minute(minute: int) -> str:
    """Counter of room events in one wall-clock minute, for /stats."""
    return key("rooms", "events", minute)


def user_rooms(user_id: str) -> str:
    """Set of room ids a user belongs to, so a reconnecting socket finds its rooms again."""
    return key("rooms", "user", user_id)


def user_sockets(user_id: str) -> str:
    """Set of a user's socket ids (any process), so a REST join can bring their sockets along."""
    return key("rooms", "sockets", user_id)
