"""The configured storage back end and the local work area, one of each per app."""
from __future__ import annotations

import os

from flask import current_app

from app.media.storage import LocalStorage
from app.media.workarea import WorkArea


def storage():
    """``STORAGE_BACKEND``: ``local`` (``STORAGE_DIR``) or ``s3`` (``S3_BUCKET`` and friends)."""
    backend = current_app.extensions.get("media.storage")
    if backend is None:
        config = current_app.config
        kind = config["STORAGE_BACKEND"]
        if kind == "local":
            backend = LocalStorage(config["STORAGE_DIR"])
        elif kind == "s3":
            from app.media.s3 import S3Storage

            backend = S3Storage(config["S3_BUCKET"], config["S3_REGION"], config["S3_ENDPOINT_URL"],
                                config["S3_KEY_PREFIX"], _work_root(), config["S3_TIMEOUT"])
        else:
            raise RuntimeError(f"STORAGE_BACKEND={kind!r} is not supported; use local or s3")
        current_app.extensions["media.storage"] = backend
    return backend


def _work_root() -> str:
    return current_app.config["MEDIA_WORK_DIR"] or os.path.join(current_app.config["STORAGE_DIR"], "work")


def work_area() -> WorkArea:
    area = current_app.extensions.get("media.work_area")
    if area is None:
        area = current_app.extensions["media.work_area"] = WorkArea(_work_root())
    return area


def asset_prefix(asset_id: int) -> str:
    return f"media/{asset_id}"


def version_prefix(asset_id: int, job_id: int, lease: str) -> str:
    """Each run of a job publishes its own version (never a name used before, so nothing stale
    can answer for it); the asset row points at the live one."""
    return f"media/{asset_id}/j{job_id}-{lease[:8]}"
