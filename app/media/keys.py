"""Redis keys of the media domain."""
from __future__ import annotations

from app.core.keys import key


def upload_lock(upload_id: str) -> str:
    """Held while one request appends to a tus upload (expires MEDIA_UPLOAD_LOCK_SECONDS later)."""
    return key("media", "upload-lock", upload_id)


def chunks_done(job_id: int) -> str:
    """Hash: chunk index -> the worker that finished it."""
    return key("media", "chunks-done", job_id)


def chunks_progress(job_id: int) -> str:
    """Hash: chunk index -> seconds of it transcoded so far."""
    return key("media", "chunks-progress", job_id)


def partial_lock(job_id: int) -> str:
    """Held while one chunk rewrites the growing playlists of a fast-started job."""
    return key("media", "partial-lock", job_id)
