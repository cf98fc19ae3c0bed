"""Transcode jobs: creation, the lease a run holds, progress, the end states, cancelling.

A job is run by whichever delivery of its task claims it: a fresh claim, or a take-over of a
job whose last run stopped writing for ``MEDIA_JOB_STALL_SECONDS`` (a killed worker). Every
write of a run is conditional on its lease, so a run that lost its job stops and never
publishes.
"""
from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update

from app.core.timeutil import utcnow
from app.errors import AppError, ConflictError, NotFoundError
from app.extensions import db, redis
from app.media import keys
from app.media.events import job_changed
from app.media.models import ACTIVE_STATES, MediaAsset, TranscodeJob

log = logging.getLogger("marquee.media")
RUNNING_STATES = ("probing", "transcoding", "packaging")
TRANSCODE_TASK = "workers.media.transcode"


def job_dict(job: TranscodeJob) -> dict:
    asset = job.asset
    return {"id": job.id, "asset_id": job.asset_id, "content_id": asset.content_id, "episode_id": asset.episode_id,
            "state": job.state, "progress": job.progress, "eta_seconds": job.eta_seconds, "speed": job.speed,
            "rungs_live": list(job.rungs_live or []), "attempts": job.attempts, "error_code": job.error_code,
            "error": job.error, "error_tail": job.error_tail, "created_at": job.created_at,
            "started_at": job.started_at, "finished_at": job.finished_at,
            "first_playable_at": job.first_playable_at, "playable_seconds": job.playable_seconds,
            "chunks": _chunk_states(job)}


def _chunk_states(job: TranscodeJob) -> list[dict] | None:
    """The chunked path's chunks, each with the worker that finished it (for admins)."""
    if not job.plan:
        return None
    if job.state not in RUNNING_STATES:  # the join wrote them into the plan
        return [{"done": False, "worker": None, **chunk} for chunk in job.plan["chunks"]]
    done = {int(k): (v.decode() if isinstance(v, bytes) else v)
            for k, v in redis.client.hgetall(keys.chunks_done(job.id)).items()}
    return [{**chunk, "done": chunk["index"] in done, "worker": done.get(chunk["index"])}
            for chunk in job.plan["chunks"]]


def get_job(job_id: int) -> TranscodeJob:
    job = db.session.get(TranscodeJob, job_id) if 0 < job_id < 2 ** 31 else None
    if job is None:
        raise NotFoundError("The transcode job was not found", details={"jobId": job_id})
    return job


def ensure_idle(asset: MediaAsset) -> None:
    """An asset has one job at a time: another while one is active is a CONFLICT."""
    if asset.id is None:
        return
    running = db.session.scalar(select(TranscodeJob.id).where(TranscodeJob.asset_id == asset.id,
                                                              TranscodeJob.state.in_(ACTIVE_STATES)).limit(1))
    if running is not None:
        raise ConflictError("This video is already being transcoded; cancel that job first",
                            details={"jobId": running}, code="TRANSCODE_RUNNING")


def create_job(asset: MediaAsset) -> TranscodeJob:
    """A queued job for the asset's current source."""
    ensure_idle(asset)
    job = TranscodeJob(asset=asset, state="queued", source_key=asset.source_key, progress=0.0, rungs_live=[],
                       attempts=0)
    db.session.add(job)
    db.session.flush()
    return job


def enqueue(job: TranscodeJob) -> None:
    """Hand the committed job to the ``media`` queue; a broker that cannot take it fails the job
    (the admin re-runs it) and the caller answers 503."""
    try:
        send_transcode(job.id)
        job_changed(job)  # admins see the new job queued
    except Exception as exc:
        finish(job.id, None, "failed", error_code="QUEUE_UNAVAILABLE", error="The task queue could not take the job")
        raise AppError("The task queue is unavailable; the job was not started", code="SERVICE_UNAVAILABLE",
                       status=503, details={"jobId": job.id}) from exc


def send_transcode(job_id: int) -> None:
    """Queue one delivery of the job's task in the ``media`` queue, with the job's time limits."""
    limit = current_app.config["MEDIA_TASK_TIME_LIMIT"]
    current_app.extensions["celery"].send_task(TRANSCODE_TASK, args=(job_id,), queue="media", ignore_result=True,
                                               time_limit=limit + 300, soft_time_limit=limit)


def claim(job_id: int) -> str | None:
    """Take the job for this run; ``None`` when it is finished, cancelled or held by a live run."""
    stall = utcnow() - timedelta(seconds=current_app.config["MEDIA_JOB_STALL_SECONDS"])
    lease = uuid.uuid4().hex
    now = utcnow()
    claimed = db.session.execute(
        update(TranscodeJob)
        .where(TranscodeJob.id == job_id, or_(
            TranscodeJob.state == "queued",
            and_(TranscodeJob.state.in_(RUNNING_STATES), TranscodeJob.heartbeat_at < stall)))
        .values(state="probing", lease=lease, attempts=TranscodeJob.attempts + 1, heartbeat_at=now, started_at=now,
                progress=0.0, eta_seconds=None, error=None, error_code=None, error_tail=None)
    ).rowcount
    db.session.commit()
    if not claimed:
        return None
    job = get_job(job_id)
    _forget_growing_version(job)  # a taken-over job's partial version died with its run
    job_changed(job)
    return lease


def advance(job_id: int, lease: str, **values) -> bool:
    """Write the run's progress or state; ``False`` when the run no longer holds the job."""
    done = db.session.execute(
        update(TranscodeJob).where(TranscodeJob.id == job_id, TranscodeJob.lease == lease,
                                   TranscodeJob.state.in_(RUNNING_STATES))
        .values(heartbeat_at=utcnow(), **values)
    ).rowcount
    db.session.commit()
    if done:
        job_changed(get_job(job_id))
    return bool(done)


def finish(job_id: int, lease: str | None, state: str, **values) -> bool:
    """Move the job to an end state and commit it with whatever the caller wrote beside it in
    the same transaction (the asset's new pointer). Only the run holding the job may, unless
    ``lease`` is ``None`` (an admin's cancel, or a job that never started)."""
    condition = [TranscodeJob.id == job_id, TranscodeJob.state.in_(ACTIVE_STATES)]
    if lease is not None:
        condition.append(TranscodeJob.lease == lease)
    done = db.session.execute(
        update(TranscodeJob).where(*condition)
        .values(state=state, finished_at=utcnow(), heartbeat_at=utcnow(), eta_seconds=None, **values)
    ).rowcount
    if not done:  # what the caller wrote beside it in this transaction goes too
        db.session.rollback()
        return False
    db.session.commit()
    job_changed(get_job(job_id))
    return True


def cancel(job_id: int) -> dict:
    """Stop a job: a queued one never starts; a running one loses its lease, and its run stops
    ffmpeg at its next heartbeat (within a second). A finished job is a CONFLICT."""
    job = get_job(job_id)
    if job.state not in ACTIVE_STATES:
        raise ConflictError(f"The job is already {job.state}", details={"jobId": job.id, "state": job.state},
                            code="JOB_FINISHED")
    if finish(job.id, None, "cancelled", error_code="CANCELLED", error="Cancelled by an admin"):
        _forget_growing_version(job)
    db.session.refresh(job)
    return job_dict(job)


def _forget_growing_version(job: TranscodeJob) -> None:
    """A fast-started title whose job stops is not playable any more (its partial version is
    swept with the other unpublished ones)."""
    db.session.execute(update(MediaAsset).where(MediaAsset.id == job.asset_id,
                                                MediaAsset.published_prefix.like(f"media/{job.asset_id}/j{job.id}-%"))
                       .values(published_prefix=None))
    db.session.commit()


def stalled_jobs() -> list[int]:
    """Running jobs whose run stopped writing (its worker died): another delivery takes them."""
    stall = utcnow() - timedelta(seconds=current_app.config["MEDIA_JOB_STALL_SECONDS"])
    return list(db.session.scalars(select(TranscodeJob.id).where(TranscodeJob.state.in_(RUNNING_STATES),
                                                                 TranscodeJob.heartbeat_at < stall)))
