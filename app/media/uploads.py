"""Accepting a video: size and disk checks, the store, the probe, the asset and its job.

The file is stored under a key made of a random id (``uploads/<hex>/source``); its client-side
name is kept only as text for admins. The probe decides whether it is a video, not its name.
"""
from __future__ import annotations

import shutil
import unicodedata
import uuid
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.errors import AppError, ConflictError, PayloadTooLargeError, ValidationError
from app.extensions import db
from app.media import jobs
from app.media.models import MediaAsset, item_key
from app.media.probe import Probe, UnsupportedMedia, probe
from app.media.store import storage, work_area

COPY_CHUNK = 1024 * 1024


class InsufficientStorageError(AppError):
    code, status, message = "INSUFFICIENT_STORAGE", 507, "The server has no room for this upload"


class UnsupportedMediaError(AppError):
    """A file that is not a video: the request was well formed, its content is not usable (422)."""

    code, status, message = "UNSUPPORTED_MEDIA", 422, "The file is not a video that can be transcoded"


def check_room(size: int | None, field: str = "video") -> None:
    """413 when the declared size is over ``MEDIA_MAX_UPLOAD_BYTES``; 507 when the work area (where
    an upload is checked and its ladder made, about as large again) would keep less than
    ``MEDIA_MIN_FREE_BYTES`` free."""
    limit = current_app.config["MEDIA_MAX_UPLOAD_BYTES"]
    if size is not None and size > limit:
        raise PayloadTooLargeError(f"The upload is larger than {limit} bytes", details={"field": field,
                                                                                         "maxBytes": limit})
    free = work_area().free_bytes()
    needed = 2 * (size or 0) + current_app.config["MEDIA_MIN_FREE_BYTES"]
    if free < needed:
        raise InsufficientStorageError(details={"field": field, "freeBytes": free, "neededBytes": needed})


def display_name(filename: str | None) -> str | None:
    """The client's file name as text only: no control characters, at most 255 characters."""
    if not filename:
        return None
    clean = "".join(ch for ch in unicodedata.normalize("NFC", filename) if unicodedata.category(ch)[0] != "C")
    return clean.strip()[:255] or None


def _spool(stream: BinaryIO, target: Path, limit: int, field: str) -> int:
    size = 0
    with open(target, "wb") as out:
        while chunk := stream.read(COPY_CHUNK):
            size += len(chunk)
            if size > limit:
                raise PayloadTooLargeError(f"The upload is larger than {limit} bytes",
                                           details={"field": field, "maxBytes": limit})
            out.write(chunk)
    return size


def store_upload(stream: BinaryIO, field: str = "video") -> tuple[str, int, Probe]:
    """Save an uploaded body in the work area, probe it, and hand it to the store."""
    folder = work_area().scratch_dir("upload")
    try:
        spooled = folder / "source"
        _spool(stream, spooled, current_app.config["MEDIA_MAX_UPLOAD_BYTES"], field)
        return store_file(spooled, field)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def store_file(path: Path, field: str = "video") -> tuple[str, int, Probe]:
    """Probe a local file and move it into the store as a new upload; a file that is not a video
    is refused (and left where it was, for the caller to remove)."""
    size = path.stat().st_size
    if size == 0:
        raise ValidationError("The file is empty", field=field)
    try:
        info = probe(str(path))
    except UnsupportedMedia as exc:
        raise UnsupportedMediaError(f"The file is not a video that can be transcoded: {exc.reason}",
                                    details={"fields": {field: [exc.reason]}, "reason": exc.reason}) from None
    key = f"uploads/{uuid.uuid4().hex}/source"
    storage().put_file(key, path)
    return key, size, info


def ensure_no_running_job(content_id: int, episode_id: int | None) -> None:
    asset = db.session.scalar(select(MediaAsset).where(MediaAsset.item_key == item_key(content_id, episode_id)))
    if asset is not None:
        jobs.ensure_idle(asset)


def attach(content_id: int, episode_id: int | None, key: str, size: int, info: Probe, filename: str | None) -> dict:
    """Make the stored file the source of the item's asset and queue its transcoding."""
    store = storage()
    asset = db.session.scalar(select(MediaAsset).where(MediaAsset.item_key == item_key(content_id, episode_id)))
    if asset is None:
        asset = MediaAsset(content_id=content_id, episode_id=episode_id, item_key=item_key(content_id, episode_id))
        db.session.add(asset)
    previous_source = asset.source_key
    asset.source_key, asset.source_size, asset.source_name = key, size, display_name(filename)
    asset.source_probe = info.as_dict()
    try:
        job = jobs.create_job(asset)
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        store.delete_prefix(key.rpartition("/")[0])
        if isinstance(exc, IntegrityError):  # another upload for the same item won the race
            raise ConflictError("Another upload for this title is being attached; try again",
                                code="TRANSCODE_RUNNING") from None
        raise
    if previous_source and previous_source != key:
        store.delete_prefix(previous_source.rpartition("/")[0])
    jobs.enqueue(job)
    return jobs.job_dict(job)


def discard(key: str) -> None:
    storage().delete_prefix(key.rpartition("/")[0])
