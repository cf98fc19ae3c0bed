"""The media domain's door: uploads attached to titles, transcode jobs, signed streams.

Routes and workers call only these names; ``uploads`` and ``resumable`` (tus) take files in,
``jobs``, ``transcode`` and ``chunked`` run the ladder, ``streams`` signs and serves it,
``captions`` keeps subtitle tracks and ``cleanup`` sweeps the store.
"""
from __future__ import annotations

from sqlalchemy import select

from app.catalog import service as catalog
from app.core.health import STORAGE_CHECK
from app.errors import NotFoundError, ValidationError
from app.extensions import db
from app.media import captions, jobs, resumable, streams, tus, uploads  # noqa: F401
from app.media.cleanup import sweep_storage  # noqa: F401
from app.media.events import register_admin_room
from app.media.models import MediaAsset, TranscodeJob, item_key
from app.media.store import storage
from app.media.transcode import run_job  # noqa: F401
from app.media.chunked import join as join_chunks, run_chunk  # noqa: F401
from app.playback import service as playback

cancel_job = jobs.cancel
create_upload = resumable.create
append_upload = resumable.append
load_upload = resumable.load
describe_upload = resumable.describe
terminate_upload = resumable.terminate
media_file = streams.media_file
stream_for = streams.stream_for
check_room = uploads.check_room


def subtitles_as_webvtt(data: bytes) -> str:
    """SubRip or WebVTT bytes as WebVTT, for other domains' subtitle files; ``ValueError`` (a
    ``SubtitleError``) when they are neither."""
    from app.media.subtitles import to_webvtt

    return to_webvtt(data)


def ffmpeg_path() -> str:
    """The ffmpeg this deployment transcodes with (``FFMPEG_BINARY``, the system's, or the wheel's)."""
    from flask import current_app

    from app.media.ffmpeg import ffmpeg_binary

    return ffmpeg_binary(current_app.config["FFMPEG_BINARY"])


def init_app(app) -> None:
    """Admin sockets hear job progress; playback sessions carry a title's signed stream;
    ``/health/storage`` checks the configured store."""
    register_admin_room()
    playback.register_stream_source(app, streams.describe)
    app.extensions[STORAGE_CHECK] = lambda: storage().check()


def _target(viewer, content_id: int, episode_id: int | None) -> tuple[int, int | None]:
    target = catalog.playback_target(content_id, episode_id, viewer)
    return target["content_id"], target["episode_id"]


def attach_video(viewer, content_id: int, episode_id: int | None, stream, filename: str | None) -> dict:
    """Store an uploaded video as the source of a movie or an episode and queue its ladder."""
    content_id, episode_id = _target(viewer, content_id, episode_id)
    uploads.ensure_no_running_job(content_id, episode_id)
    key, size, info = uploads.store_upload(stream)
    return uploads.attach(content_id, episode_id, key, size, info, filename)


def attach_upload(viewer, upload_id: str, content_id: int, episode_id: int | None) -> dict:
    """A finished tus upload becomes the video of a movie or an episode; its ladder is queued."""
    content_id, episode_id = _target(viewer, content_id, episode_id)
    return resumable.attach(upload_id, content_id, episode_id)


def add_subtitle(viewer, content_id: int, episode_id: int | None, language: str, label: str | None,
                 data: bytes) -> dict:
    content_id, episode_id = _target(viewer, content_id, episode_id)
    return captions.add(content_id, episode_id, language, label, data)


def remove_subtitle(viewer, content_id: int, episode_id: int | None, language: str) -> None:
    content_id, episode_id = _target(viewer, content_id, episode_id)
    captions.remove(content_id, episode_id, language)


def create_with_video(metadata: dict, stream, filename: str | None) -> tuple[dict, dict]:
    """A new movie with its video (the original OTT upload): the file is checked before the title
    is created, so a refused file leaves no title behind."""
    if metadata.get("kind", "movie") != "movie":
        raise ValidationError("A series gets its videos per episode: create it, then upload to "
                              "/admin/content/{id}/episodes/{episodeId}/media", field="kind")
    key, size, info = uploads.store_upload(stream)
    try:
        content = catalog.create_content({**metadata, "kind": "movie"})
    except Exception:
        uploads.discard(key)
        raise
    return content, uploads.attach(content["id"], None, key, size, info, filename)


def transcode_again(viewer, content_id: int, episode_id: int | None) -> dict:
    """Run the ladder again from the item's stored source (a new job)."""
    content_id, episode_id = _target(viewer, content_id, episode_id)
    asset = db.session.scalar(select(MediaAsset).where(MediaAsset.item_key == item_key(content_id, episode_id)))
    if asset is None or not asset.source_key:
        raise NotFoundError("This title has no uploaded video to transcode", code="MEDIA_NOT_FOUND")
    job = jobs.create_job(asset)
    db.session.commit()
    jobs.enqueue(job)
    return jobs.job_dict(job)


def _asset_dict(asset: MediaAsset) -> dict:
    return {"id": asset.id, "content_id": asset.content_id, "episode_id": asset.episode_id,
            "source_name": asset.source_name, "source_size": asset.source_size, "source_probe": asset.source_probe,
            "playable": bool(asset.published_prefix), "duration": asset.duration,
            "renditions": asset.renditions or [], "published_at": asset.published_at}


def content_status(content_id: int) -> dict:
    """A title's uploads (the movie's, or each episode's) and their jobs, newest first."""
    catalog.load_content(content_id)
    assets = list(db.session.scalars(select(MediaAsset).where(MediaAsset.content_id == content_id)
                                     .order_by(MediaAsset.id)))
    job_rows = db.session.scalars(select(TranscodeJob).join(MediaAsset).where(MediaAsset.content_id == content_id)
                                  .order_by(TranscodeJob.id.desc()).limit(100))
    return {"content_id": content_id, "assets": [_asset_dict(a) for a in assets],
            "jobs": [jobs.job_dict(j) for j in job_rows]}


def list_jobs(state: str | None, limit: int) -> list[dict]:
    stmt = select(TranscodeJob).order_by(TranscodeJob.id.desc()).limit(limit)
    if state:
        stmt = stmt.where(TranscodeJob.state == state)
    return [jobs.job_dict(j) for j in db.session.scalars(stmt)]


def get_job(job_id: int) -> dict:
    return jobs.job_dict(jobs.get_job(job_id))


def requeue_stalled() -> int:
    """Hand every job whose worker stopped writing to another delivery (the beat calls this)."""
    stalled = jobs.stalled_jobs()
    for job_id in stalled:
        jobs.send_transcode(job_id)
    return len(stalled)
