"""Subtitle tracks of a title's video: upload (SRT or WebVTT, stored as WebVTT), remove, list.

They live beside the asset's versions (``media/<asset>/subs/``), so a new ladder keeps them and
a track added later shows up in the master playlist without transcoding again.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from app.errors import NotFoundError, PayloadTooLargeError, ValidationError
from app.extensions import db
from app.media.models import MediaAsset, Subtitle, item_key
from app.media.store import storage
from app.media.subtitles import LANGUAGE, SubtitleError, to_webvtt

SUBS = "subs"


def subtitle_key(asset_id: int, language: str) -> str:
    return f"media/{asset_id}/{SUBS}/{language}.vtt"


def _asset(content_id: int, episode_id: int | None) -> MediaAsset:
    asset = db.session.scalar(select(MediaAsset).where(MediaAsset.item_key == item_key(content_id, episode_id)))
    if asset is None:
        raise NotFoundError("This title has no uploaded video yet: upload it first", code="MEDIA_NOT_FOUND")
    return asset


def add(content_id: int, episode_id: int | None, language: str, label: str | None, data: bytes) -> dict:
    """Store a track (a second one in the same language replaces the first)."""
    language = (language or "").strip()
    if not LANGUAGE.match(language):
        raise ValidationError("language must be a language tag such as en or pt-BR", field="language")
    limit = current_app.config["MEDIA_MAX_SUBTITLE_BYTES"]
    if len(data) > limit:
        raise PayloadTooLargeError(f"A subtitle file may be {limit} bytes at most", details={"field": "file"})
    try:
        text = to_webvtt(data)
    except SubtitleError as exc:
        raise ValidationError(f"The file is neither SubRip nor WebVTT: {exc}", field="file") from None
    asset = _asset(content_id, episode_id)
    storage().put_text(subtitle_key(asset.id, language), text)
    track = db.session.scalar(select(Subtitle).where(Subtitle.asset_id == asset.id, Subtitle.language == language))
    if track is None:
        track = Subtitle(asset_id=asset.id, language=language)
        db.session.add(track)
    track.label = (label or "").strip()[:60] or language
    db.session.commit()
    return describe(track)


def remove(content_id: int, episode_id: int | None, language: str) -> None:
    asset = _asset(content_id, episode_id)
    track = db.session.scalar(select(Subtitle).where(Subtitle.asset_id == asset.id, Subtitle.language == language))
    if track is None:
        raise NotFoundError("No subtitle track in this language", code="SUBTITLE_NOT_FOUND")
    db.session.delete(track)
    db.session.commit()
    storage().delete_prefix(subtitle_key(asset.id, language))


def describe(track: Subtitle) -> dict:
    return {"language": track.language, "label": track.label}


def tracks(asset_id: int) -> list[Subtitle]:
    return list(db.session.scalars(select(Subtitle).where(Subtitle.asset_id == asset_id).order_by(Subtitle.id)))
