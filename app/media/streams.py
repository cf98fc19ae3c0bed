"""What a viewer gets to play an uploaded title: signed URLs for its HLS ladder, and the check
every file request passes.

The URL of a stored file is ``/api/v1/<its storage key>``; one token signs the asset's whole
prefix (``/api/v1/media/<asset id>/``), so a playlist's children verify with the same token
and a token for one asset never opens another.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, has_request_context, request
from sqlalchemy import select

from app.catalog import service as catalog
from app.core.signed_urls import check, signed_query, stream_key
from app.errors import AppError, NotFoundError
from app.extensions import db
from app.media.models import ACTIVE_STATES, MediaAsset, TranscodeJob, item_key
from app.media import captions
from app.media.playlists import sign_playlist, sign_thumbnail_track
from app.media.subtitles import subtitle_playlist, with_subtitles
from app.media.thumbnails import POSTER, THUMBNAIL_TRACK
from app.media.storage import StorageKeyError, check_key
from app.media.store import storage
from app.playback import service as playback

URL_ROOT = "/api/v1/"
MIME_TYPES = {".m3u8": "application/vnd.apple.mpegurl", ".ts": "video/mp2t", ".m4s": "video/iso.segment",
              ".mp4": "video/mp4", ".vtt": "text/vtt", ".jpg": "image/jpeg", ".png": "image/png"}


def _public_base() -> str:
    """Where players fetch the files: ``MEDIA_PUBLIC_BASE_URL`` (a CDN in front of the app), else
    the host the request came to (after ProxyFix), so a front end on another origin gets URLs
    that work as they are."""
    configured = current_app.config["MEDIA_PUBLIC_BASE_URL"]
    if configured:
        return configured.rstrip("/")
    return request.host_url.rstrip("/") if has_request_context() else ""


def asset_url_prefix(asset_id: int) -> str:
    return f"{URL_ROOT}media/{asset_id}/"


def _key() -> bytes:
    return stream_key(current_app.config["SECRET_KEY"], current_app.config["STREAM_SIGNING_KEY"])


def published_asset(content_id: int, episode_id: int | None) -> MediaAsset | None:
    return db.session.scalar(select(MediaAsset).where(MediaAsset.item_key == item_key(content_id, episode_id)))


def stream_for(viewer, content_id: int, episode_id: int | None) -> dict:
    """The signed master playlist and renditions of a title the viewer may play, with the resume
    position. 404 ``MEDIA_NOT_FOUND`` without an upload; 409 ``MEDIA_NOT_READY`` while it is
    transcoded for the first time (with the job's state and progress)."""
    target = catalog.playback_target(content_id, episode_id, viewer)
    result = describe(target["content_id"], target["episode_id"])
    if result is None:
        raise NotFoundError("This title has no uploaded video", code="MEDIA_NOT_FOUND")
    resume = playback.resume_position(viewer.user_id, target["content_id"], target["episode_id"],
                                      result["duration"]) if viewer.user_id else 0.0
    return {**result, "resume_position": resume}


def describe(content_id: int, episode_id: int | None) -> dict | None:
    """The signed stream of an item (no access check: the caller made it), ``None`` when the item
    has no upload; an upload not yet playable is 409 ``MEDIA_NOT_READY``."""
    asset = published_asset(content_id, episode_id)
    if asset is None:
        return None
    if not asset.published_prefix:
        job = db.session.scalar(select(TranscodeJob).where(TranscodeJob.asset_id == asset.id)
                                .order_by(TranscodeJob.id.desc()).limit(1))
        state = job.state if job else "none"
        raise AppError("The video is not playable yet" if state in ACTIVE_STATES else
                       "The video has no playable version; an admin must transcode it again",
                       code="MEDIA_NOT_READY", status=409,
                       details={"jobId": job.id if job else None, "state": state,
                                "progress": job.progress if job else 0})
    ttl = current_app.config["STREAM_URL_TTL"]
    query, expires = signed_query(_key(), asset_url_prefix(asset.id), ttl)
    base = f"{_public_base()}{URL_ROOT}{asset.published_prefix}"
    renditions = [{**r, "url": f"{base}/{r['name']}/index.m3u8?{query}"} for r in asset.renditions or []]
    return {"content_id": content_id, "episode_id": episode_id, "asset_id": asset.id, "type": "hls",
            "url": f"{base}/master.m3u8?{query}", "expires_at": expires, "duration": asset.duration or 0.0,
            "renditions": renditions, "subtitles": _subtitles(asset.id, query),
            "thumbnails": f"{base}/{THUMBNAIL_TRACK}?{query}",
            "poster": f"{base}/{POSTER}?{query}"}


def _subtitles(asset_id: int, query: str) -> list[dict]:
    base = f"{_public_base()}{URL_ROOT}media/{asset_id}/{captions.SUBS}"
    return [{"language": t.language, "label": t.label, "url": f"{base}/{t.language}.vtt?{query}",
             "playlist": f"{base}/{t.language}.m3u8?{query}"} for t in captions.tracks(asset_id)]


def check_file_token(asset_id: int, path: str, exp: str | None, st: str | None) -> None:
    check(_key(), asset_url_prefix(asset_id), path, exp, st, subject="file")


@dataclass(frozen=True)
class MediaFile:
    """A verified file to send: a playlist already signed (``text``), a file on disk (``path``),
    a presigned URL to redirect to (``redirect``), or an object to relay (``relay(method, headers)``
    gives the store's answer)."""

    mimetype: str
    max_age: int  # seconds the token has left: a cache may keep the answer no longer
    text: str | None = None
    path: Path | None = None
    redirect: str | None = None
    relay: Callable | None = None


def _mime_type(name: str) -> str:
    dot = name.rfind(".")
    return MIME_TYPES.get(name[dot:].lower(), "application/octet-stream") if dot >= 0 else "application/octet-stream"


def media_file(asset_id: int, version: str, rest: str, request_path: str, exp: str | None, st: str | None,
               query: str, method: str = "GET") -> MediaFile:
    """Check the token, then find the file; a playlist comes back with ``query`` in every URI."""
    check_file_token(asset_id, request_path, exp, st)
    store = storage()
    key = f"media/{asset_id}/{version}/{rest}"
    try:
        check_key(key)
    except StorageKeyError:
        raise NotFoundError("No such media file") from None
    max_age = max(0, int(exp) - int(time.time()))
    if version == captions.SUBS and rest.endswith(".m3u8"):
        return MediaFile(MIME_TYPES[".m3u8"], max_age, text=sign_playlist(_subtitle_playlist(asset_id, rest), query))
    if rest.endswith(".m3u8") or rest == THUMBNAIL_TRACK:
        try:
            text = store.read_bytes(key).decode()
        except FileNotFoundError:
            raise NotFoundError("No such media file") from None
        if rest == THUMBNAIL_TRACK:
            return MediaFile(MIME_TYPES[".vtt"], max_age, text=sign_thumbnail_track(text, query))
        if rest == "master.m3u8":  # the subtitle tracks as they are now, not as they were at transcode time
            text = with_subtitles(text, [{"language": t.language, "label": t.label,
                                          "uri": f"../{captions.SUBS}/{t.language}.m3u8"}
                                         for t in captions.tracks(asset_id)])
        return MediaFile(MIME_TYPES[".m3u8"], max_age, text=sign_playlist(text, query))
    if store.name == "local":
        path = store.local_file(key)
        if path is None:
            raise NotFoundError("No such media file")
        return MediaFile(_mime_type(rest), max_age, path=path)
    if current_app.config["MEDIA_S3_DELIVERY"] == "redirect":
        return MediaFile(_mime_type(rest), max_age, redirect=store.presigned(key, method, max_age))
    return MediaFile(_mime_type(rest), max_age, relay=lambda how, headers: _relay(store, key, how, headers))


def _subtitle_playlist(asset_id: int, name: str) -> str:
    language = name[:-len(".m3u8")]
    asset = db.session.get(MediaAsset, asset_id)
    if asset is None or language not in {t.language for t in captions.tracks(asset_id)}:
        raise NotFoundError("No such media file")
    return subtitle_playlist(f"{language}.vtt", asset.duration or 0.0)


def _relay(store, key: str, method: str, headers: dict):
    try:
        return store.answer(key, method, headers)
    except FileNotFoundError:
        raise NotFoundError("No such media file") from None
