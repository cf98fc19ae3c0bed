"""Redis keys of the ops domain (one function per key, with the project prefix)."""
from __future__ import annotations

from app.core.keys import key


def beat_heartbeat() -> str:
    return key("ops", "beat", "last")
