"""The configured storage back end, one per app."""
from __future__ import annotations

from flask import current_app

from app.media.storage import LocalStorage


def storage() -> LocalStorage:
    backend = current_app.extensions.get("media.storage")
    if backend is None:
        kind = current_app.config["STORAGE_BACKEND"]
        if kind != "local":
            raise RuntimeError(f"STORAGE_BACKEND={kind!r} is not supported; use local")
        backend = current_app.extensions["media.storage"] = LocalStorage(current_app.config["STORAGE_DIR"])
    return backend


def asset_prefix(asset_id: int) -> str:
    return f"media/{asset_id}"


def version_prefix(asset_id: int, job_id: int, lease: str) -> str:
    """Each run of a job publishes its own version (never a name used before, so nothing stale
    can answer for it); the asset row points at the live one."""
    return f"media/{asset_id}/j{job_id}-{lease[:8]}"
