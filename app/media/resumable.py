"""tus uploads: create, report, append (resuming from any offset), terminate, expire, attach.

The bytes grow in one file per upload in the spool directory (``MEDIA_UPLOAD_DIR``, default
``STORAGE_DIR/tus``); the database row holds its length, offset, metadata and expiry. A
request cut off halfway keeps every byte that arrived, so the client resumes from the offset a
``HEAD`` reports. One request at a time appends to an upload (a Redis lock). A finished upload
is attached to a title by id: probed, moved into the store, and queued like a form upload.
"""
from __future__ import annotations

import os
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import select
from werkzeug.exceptions import ClientDisconnected

from app.core.timeutil import as_utc, utcnow
from app.errors import AppError, ConflictError, NotFoundError, PayloadTooLargeError
from app.extensions import db, redis
from app.media import tus, uploads
from app.media.keys import upload_lock
from app.media.models import ResumableUpload

READ_CHUNK = 256 * 1024
LOCK_REFRESH_SECONDS = 20


class TusError(AppError):
    """A tus protocol refusal: the status the protocol names, the code our envelope carries."""


def spool_dir() -> Path:
    configured = current_app.config["MEDIA_UPLOAD_DIR"] or os.path.join(current_app.config["STORAGE_DIR"], "tus")
    path = Path(configured)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _path(upload: ResumableUpload) -> Path:
    return spool_dir() / upload.id  # the id is 32 hex characters made here, never a client's text


def _expiry():
    return utcnow() + timedelta(seconds=current_app.config["MEDIA_UPLOAD_EXPIRY"])


def describe(upload: ResumableUpload) -> dict:
    return {"id": upload.id, "length": upload.length, "offset": upload.offset, "metadata": upload.upload_metadata,
            "expires_at": upload.expires_at, "completed": upload.completed_at is not None,
            "attached_job_id": upload.attached_job_id}


def load(upload_id: str) -> ResumableUpload:
    """The live upload; 404 for an unknown id, 410 ``UPLOAD_EXPIRED`` past its expiry."""
    upload = db.session.get(ResumableUpload, upload_id) if len(upload_id) == 32 else None
    if upload is None:
        raise NotFoundError("No such upload", code="UPLOAD_NOT_FOUND")
    if as_utc(upload.expires_at) <= utcnow():
        raise TusError("The upload expired; start a new one", code="UPLOAD_EXPIRED", status=410)
    _settle(upload)
    return upload


def _settle(upload: ResumableUpload) -> None:
    """The file is the truth: a process that died between writing and committing left the row
    behind it (never ahead: bytes are written before the row counts them)."""
    path = _path(upload)
    actual = min(path.stat().st_size if path.exists() else 0, upload.length)
    if actual != upload.offset:
        upload.offset = actual
        if actual == upload.length and upload.completed_at is None:
            upload.completed_at = utcnow()
        db.session.commit()


def _refused(exc: tus.HeaderError) -> TusError:
    """A tus header that cannot be read is a 400 naming the header (the protocol's status)."""
    return TusError(str(exc), code="VALIDATION_ERROR", status=400, details={"fields": {exc.header: [str(exc)]}})


def create(length_header: str | None, metadata_header: str | None, user_id: int | None) -> ResumableUpload:
    try:
        length = tus.parse_length(length_header, "Upload-Length")
        metadata = tus.parse_metadata(metadata_header)
    except tus.HeaderError as exc:
        raise _refused(exc) from None
    uploads.check_room(length, field="Upload-Length")
    upload = ResumableUpload(id=uuid.uuid4().hex, length=length, offset=0, metadata_header=metadata_header or "",
                             upload_metadata=metadata, created_by=user_id, expires_at=_expiry())
    _path(upload).touch()
    if length == 0:
        upload.completed_at = utcnow()
    db.session.add(upload)
    db.session.commit()
    return upload


def append(upload_id: str, offset_header: str | None, stream: BinaryIO, content_length: int | None,
           checksum_header: str | None) -> ResumableUpload:
    """Write the body at the upload's offset; the offset the client states must be the server's."""
    try:
        offset = tus.parse_length(offset_header, "Upload-Offset")
        checksum = tus.parse_checksum(checksum_header)
    except tus.HeaderError as exc:
        raise _refused(exc) from None
    lock = upload_lock(upload_id)
    if not redis.client.set(lock, "1", nx=True, ex=current_app.config["MEDIA_UPLOAD_LOCK_SECONDS"]):
        raise TusError("Another request is writing this upload", code="UPLOAD_LOCKED", status=423)
    try:
        upload = load(upload_id)
        return _append_locked(upload, offset, stream, content_length, checksum, lambda: _hold(lock))
    finally:
        redis.client.delete(lock)


def _hold(lock: str) -> None:
    redis.client.expire(lock, current_app.config["MEDIA_UPLOAD_LOCK_SECONDS"])


def _append_locked(upload: ResumableUpload, offset: int, stream, content_length, checksum,
                   hold) -> ResumableUpload:
    path = _path(upload)
    if offset != upload.offset:
        raise ConflictError("Upload-Offset is not the upload's offset; ask HEAD for it",
                            code="UPLOAD_OFFSET_MISMATCH", details={"offset": upload.offset, "sent": offset})
    remaining = upload.length - offset
    if content_length is not None and content_length > remaining:
        raise PayloadTooLargeError("The body goes past the upload's length",
                                   details={"remaining": remaining, "field": "Content-Length"})
    hasher = checksum[0]() if checksum else None
    written, disconnected, too_long = 0, False, False
    held_at = time.monotonic()
    with open(path, "r+b") as out:
        out.seek(offset)
        try:
            while True:
                if time.monotonic() - held_at > LOCK_REFRESH_SECONDS:  # a long body keeps its lock
                    hold()
                    held_at = time.monotonic()
                chunk = stream.read(min(READ_CHUNK, remaining - written + 1))
                if not chunk:
                    break
                if written + len(chunk) > remaining:
                    too_long = True
                    break
                out.write(chunk)
                if hasher:
                    hasher.update(chunk)
                written += len(chunk)
        except (ClientDisconnected, OSError, ValueError):
            disconnected = True  # keep what arrived: the client resumes from it
        refuse = too_long or (hasher is not None and (disconnected or hasher.digest() != checksum[1]))
        out.truncate(offset if refuse else offset + written)
    if refuse:
        written = 0
    upload.offset = offset + written
    upload.expires_at = _expiry()
    if upload.offset == upload.length and upload.completed_at is None:
        upload.completed_at = utcnow()
    db.session.commit()
    if too_long:
        raise PayloadTooLargeError("The body goes past the upload's length", details={"remaining": remaining})
    if refuse and not disconnected:
        raise TusError("The chunk's checksum does not match; it was not kept", code="CHECKSUM_MISMATCH",
                       status=460, details={"offset": upload.offset})
    if disconnected:
        raise TusError("The connection closed before the body ended; resume from the offset",
                       code="UPLOAD_INTERRUPTED", status=400, details={"offset": upload.offset})
    return upload


def terminate(upload_id: str) -> None:
    upload = load(upload_id)
    _path(upload).unlink(missing_ok=True)
    db.session.delete(upload)
    db.session.commit()


def attach(upload_id: str, content_id: int, episode_id: int | None) -> dict:
    """Hand a finished upload to a title: probe it, move it into the store, queue its ladder."""
    upload = load(upload_id)
    if upload.attached_job_id is not None:
        raise ConflictError("This upload is already attached", code="UPLOAD_ATTACHED",
                            details={"jobId": upload.attached_job_id})
    if upload.completed_at is None:
        raise ConflictError("The upload is not finished", code="UPLOAD_INCOMPLETE",
                            details={"offset": upload.offset, "length": upload.length})
    uploads.ensure_no_running_job(content_id, episode_id)
    path = _path(upload)
    try:
        key, size, info = uploads.store_file(path, field="uploadId")  # moved into the store
    except AppError:
        terminate(upload_id)  # not a video: nothing to resume or attach
        raise
    filename = upload.upload_metadata.get("filename") or upload.upload_metadata.get("name")
    job = uploads.attach(content_id, episode_id, key, size, info, filename)
    upload.attached_job_id = job["id"]
    db.session.commit()
    path.unlink(missing_ok=True)
    return job


def expired_uploads() -> list[str]:
    return list(db.session.scalars(select(ResumableUpload.id).where(ResumableUpload.expires_at <= utcnow())))


def remove_expired() -> int:
    """Expired uploads and their bytes go (the storage sweep calls this)."""
    gone = 0
    for upload_id in expired_uploads():
        upload = db.session.get(ResumableUpload, upload_id)
        if upload is not None:
            _path(upload).unlink(missing_ok=True)
            db.session.delete(upload)
            gone += 1
    db.session.commit()
    return gone
