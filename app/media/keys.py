"""Redis keys of the media domain."""
from __future__ import annotations

from app.core.keys import key


def upload_lock(upload_id: str) -> str:
    """Held while one request appends to a tus upload (expires MEDIA_UPLOAD_LOCK_SECONDS later)."""
    return key("media", "upload-lock", upload_id)
