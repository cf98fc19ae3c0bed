"""Redis keys of the torrents domain."""
from __future__ import annotations

from app.core.keys import key


def metadata_reply(token: str) -> str:
    """List: the metadata task pushes its outcome here for the one request waiting on it."""
    return key("torrents", "metadata-reply", token)
