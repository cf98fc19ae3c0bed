"""The chunked path as workers run it: cut, a Celery chord of chunk transcodes, the join.

The coordinator (the job's own task) probes the source, fixes the plan (renditions and chunks)
in the job row and queues a chord over the ``media`` queue: one task per chunk, then the join.
Each chunk task transcodes its part with the same one-pass ladder, puts its segments straight
into the job's version prefix and records itself as done. The first chunks to finish in order
make the title playable at once (fast start): growing EVENT playlists list the chunks done so
far from the start, until the join writes the whole VOD playlists and finishes the job. More
workers take more chunks at once; one worker takes them one after another.
Every write is under the job's lease, as on the one-pass path: a cancelled or taken-over job's
chunks stop at their next heartbeat and the join publishes nothing.
"""
from __future__ import annotations

import logging
import shutil
import socket

from celery import chord
from flask import current_app
from sqlalchemy import update

from app.core.timeutil import utcnow
from app.extensions import db, redis
from app.media import jobs, keys
from app.media.artwork import tile_thumbnails
from app.media.chunks import Chunk, Segment, master_playlist, media_playlist, read_segments
from app.media.failures import refuse_truncated
from app.media.ffmpeg import FfmpegCancelled, FfmpegFailed, ffmpeg_binary, run
from app.media.ladder import Encoding, Rendition, ladder_command
from app.media.models import MediaAsset, TranscodeJob
from app.media.progress import Progress
from app.media.store import storage, version_prefix, work_area
from app.media.thumbnails import THUMBNAIL_TRACK, ThumbnailSpec, cues, spec_for, track

log = logging.getLogger("marquee.media")
CHUNK_TASK, JOIN_TASK = "workers.media.transcode_chunk", "workers.media.join_chunks"
HEARTBEAT_SECONDS = 1.0
KEY_TTL = 7 * 24 * 3600


def dispatch(job_id: int, lease: str, info, renditions: list[Rendition], plan: list[Chunk], encoding) -> None:
    """Fix the plan in the job row, then queue the chord (the coordinator's task then ends)."""
    spec = spec_for(info.width, info.height, current_app.config["MEDIA_THUMBNAIL_SECONDS"])
    job_plan = {"renditions": [r.as_dict() for r in renditions], "hasAudio": info.has_audio,
                "duration": info.duration, "frameRate": info.frame_rate, "encoding": encoding.__dict__,
                "thumbnails": spec.__dict__,
                "posterAt": round(min(info.duration * 0.1, 30.0), 3),
                "chunks": [{"index": c.index, "start": c.start, "duration": c.duration} for c in plan]}
    for name in (keys.chunks_done(job_id), keys.chunks_progress(job_id)):
        redis.client.delete(name)
    if not jobs.advance(job_id, lease, state="transcoding", plan=job_plan):
        return
    celery = current_app.extensions["celery"]
    limit = current_app.config["MEDIA_TASK_TIME_LIMIT"]
    options = {"queue": "media", "time_limit": limit + 300, "soft_time_limit": limit}
    header = [celery.signature(CHUNK_TASK, args=(job_id, lease, c.index), immutable=True, **options) for c in plan]
    chord(header)(celery.signature(JOIN_TASK, args=(job_id, lease), immutable=True, **options))
    log.info("transcode job %s cut into %d chunks", job_id, len(plan))


def _renditions(plan: dict) -> list[Rendition]:
    return [Rendition(r["name"], r["width"], r["height"], r["video_kbps"], r["audio_kbps"])
            for r in plan["renditions"]]


def _held(job_id: int, lease: str) -> TranscodeJob | None:
    """The job as the database has it now, if this lease still holds it."""
    job = db.session.get(TranscodeJob, job_id, populate_existing=True)
    if job is None or job.lease != lease or job.state not in jobs.RUNNING_STATES:
        return None
    return job


class _ChunkHeartbeat:
    """A chunk's progress goes to a Redis hash; the job's percentage is the sum over its chunks."""

    def __init__(self, job_id: int, lease: str, index: int, total: float) -> None:
        self.job_id, self.lease, self.index, self.total = job_id, lease, index, total
        self.latest: Progress | None = None

    def progress(self, snapshot: Progress) -> None:
        self.latest = snapshot

    def beat(self) -> bool:
        if self.latest is not None:
            redis.client.hset(keys.chunks_progress(self.job_id), self.index, self.latest.seconds_done)
        done = sum(float(v) for v in redis.client.hvals(keys.chunks_progress(self.job_id)))
        percent = min(99.0, 100.0 * done / self.total) if self.total else 0.0
        return not jobs.advance(self.job_id, self.lease, progress=round(percent, 1))


def run_chunk(job_id: int, lease: str, index: int, worker: str = "") -> str:
    """Transcode one chunk into the job's version prefix; never raises (the join must run)."""
    job = _held(job_id, lease)
    if job is None:
        return "stopped"
    plan, source_key = job.plan, job.source_key
    chunk = Chunk(**plan["chunks"][index])
    config = current_app.config
    encoding = Encoding(**plan["encoding"])
    scratch = work_area().scratch_dir(f"job{job_id}")
    heartbeat = _ChunkHeartbeat(job_id, lease, index, plan["duration"])
    store = storage()
    try:
        out_dir = scratch / "hls"
        out_dir.mkdir()
        with store.ffmpeg_input(source_key) as source:
            poster_at = plan["posterAt"] - chunk.start if chunk.start <= plan["posterAt"] < chunk.start + \
                chunk.duration else None  # the chunk the poster frame falls in makes it
            argv = ladder_command(ffmpeg_binary(config["FFMPEG_BINARY"]), source, str(out_dir), _renditions(plan),
                                  plan["hasAudio"], encoding, start=chunk.start, duration=chunk.duration,
                                  label=chunk.label, poster_at=poster_at,
                                  thumbnails=ThumbnailSpec(**plan["thumbnails"]))
            run(argv, chunk.duration, on_progress=heartbeat.progress, cancelled=heartbeat.beat,
                poll_seconds=HEARTBEAT_SECONDS, frame_rate=plan.get("frameRate"))
        tile_thumbnails(ffmpeg_binary(config["FFMPEG_BINARY"]), str(out_dir), chunk.label,
                        ThumbnailSpec(**plan["thumbnails"]))
        for master in out_dir.glob("*_master.m3u8"):
            master.unlink()  # the join writes the one master
        if _held(job_id, lease) is None:
            return "stopped"
        store.put_tree(out_dir, version_prefix(job.asset_id, job_id, lease))
        redis.client.hset(keys.chunks_done(job_id), index, worker or socket.gethostname())
        redis.client.hset(keys.chunks_progress(job_id), index, chunk.duration)
        for name in (keys.chunks_done(job_id), keys.chunks_progress(job_id)):
            redis.client.expire(name, KEY_TTL)
        _publish_growing(job_id, lease)
        return "done"
    except FfmpegCancelled:
        return "stopped"
    except FfmpegFailed as exc:
        jobs.finish(job_id, lease, "failed", error_code="TRANSCODE_FAILED",
                    error=f"ffmpeg could not transcode chunk {index} (from {chunk.start:.0f} s)", error_tail=exc.tail)
        return "failed"
    except Exception as exc:
        log.exception("transcode job %s chunk %s failed unexpectedly", job_id, index)
        jobs.finish(job_id, lease, "failed", error_code="TRANSCODE_ERROR", error=f"{type(exc).__name__}: {exc}"[:500])
        return "failed"
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _done_in_order(job_id: int, count: int) -> int:
    """How many chunks from the first on are done (the playable prefix)."""
    done = {int(i) for i in redis.client.hkeys(keys.chunks_done(job_id))}
    ready = 0
    while ready < count and ready in done:
        ready += 1
    return ready


def _segments(store, prefix: str, rung: str, chunks: list[dict]) -> list[Segment]:
    segments = []
    for chunk in chunks:
        label = Chunk(**chunk).label
        segments += read_segments(store.read_bytes(f"{prefix}/{rung}/{label}.m3u8").decode())
    return segments


def _write_playlists(store, prefix: str, plan: dict, chunks: list[dict], finished: bool) -> float:
    renditions = _renditions(plan)
    seconds = 0.0
    for rendition in renditions:
        segments = _segments(store, prefix, rendition.name, chunks)
        seconds = sum(s.duration for s in segments)
        store.put_text(f"{prefix}/{rendition.name}/index.m3u8", media_playlist(segments, finished))
    store.put_text(f"{prefix}/master.m3u8", master_playlist(renditions, plan["hasAudio"]))
    spec = ThumbnailSpec(**plan["thumbnails"])
    lines = [line for chunk in chunks for line in cues(spec, chunk["start"], chunk["duration"], Chunk(**chunk).label)]
    store.put_text(f"{prefix}/{THUMBNAIL_TRACK}", track(lines))
    return seconds


def _publish_growing(job_id: int, lease: str) -> None:
    """Fast start: a title with nothing live yet plays the chunks done in order from its start."""
    lock = keys.partial_lock(job_id)
    if not redis.client.set(lock, lease, nx=True, ex=60):
        return  # another chunk is rewriting them; the next one (or the join) catches up
    try:
        job = _held(job_id, lease)
        if job is None:
            return
        plan, asset_id = job.plan, job.asset_id
        prefix = version_prefix(asset_id, job_id, lease)
        current = db.session.get(MediaAsset, asset_id).published_prefix
        if current is not None and current != prefix:
            return  # a live version stays until this one is whole
        ready = _done_in_order(job_id, len(plan["chunks"]))
        if ready == 0 or ready == len(plan["chunks"]):
            return  # nothing to show yet, or the join is about to publish the whole
        seconds = _write_playlists(storage(), prefix, plan, plan["chunks"][:ready], finished=False)
        db.session.execute(update(MediaAsset).where(MediaAsset.id == asset_id).values(
            published_prefix=prefix, renditions=plan["renditions"], duration=plan["duration"]))
        values = {"rungs_live": [r["name"] for r in plan["renditions"]], "playable_seconds": round(seconds, 3)}
        if job.first_playable_at is None:
            values["first_playable_at"] = utcnow()
        if not jobs.advance(job_id, lease, **values):  # commits the pointer with it, or rolls both back
            return
        log.info("transcode job %s playable: %.0f s of %.0f s", job_id, seconds, plan["duration"])
    finally:
        if redis.client.get(lock) in (lease, lease.encode()):
            redis.client.delete(lock)


def join(job_id: int, lease: str) -> str:
    """All chunks are in: whole VOD playlists, then the pointer and ``ready`` in one commit."""
    job = _held(job_id, lease)
    if job is None:
        _discard(job_id, lease)
        return "stopped"
    plan, asset_id = job.plan, job.asset_id
    prefix = version_prefix(asset_id, job_id, lease)
    store = storage()
    try:
        if _done_in_order(job_id, len(plan["chunks"])) != len(plan["chunks"]):
            raise RuntimeError("a chunk is missing")
        if not jobs.advance(job_id, lease, state="packaging", progress=99.0):
            _discard(job_id, lease)
            return "stopped"
        seconds = _write_playlists(store, prefix, plan, plan["chunks"], finished=True)
        refuse_truncated(plan["duration"], seconds)
    except Exception as exc:
        code = getattr(exc, "code", "TRANSCODE_ERROR")
        jobs.finish(job_id, lease, "failed", error_code=code, error=str(getattr(exc, "message", exc))[:500])
        _discard(job_id, lease)
        return "failed"
    previous = db.session.get(MediaAsset, asset_id).published_prefix
    db.session.execute(update(MediaAsset).where(MediaAsset.id == asset_id).values(
        published_prefix=prefix, renditions=plan["renditions"], duration=plan["duration"], published_at=utcnow()))
    workers = {int(k): (v.decode() if isinstance(v, bytes) else v)
               for k, v in redis.client.hgetall(keys.chunks_done(job_id)).items()}
    finished_plan = {**plan, "chunks": [{**c, "done": True, "worker": workers.get(c["index"])}
                                        for c in plan["chunks"]]}
    values = {"progress": 100.0, "rungs_live": [r["name"] for r in plan["renditions"]],
              "playable_seconds": round(seconds, 3), "plan": finished_plan}
    if job.first_playable_at is None:
        values["first_playable_at"] = utcnow()
    if not jobs.finish(job_id, lease, "ready", **values):
        _discard(job_id, lease)
        return "stopped"
    if previous and previous != prefix:
        store.delete_prefix(previous)
    for name in (keys.chunks_done(job_id), keys.chunks_progress(job_id)):
        redis.client.delete(name)
    return "ready"


def _discard(job_id: int, lease: str) -> None:
    """A job that will not finish: its growing version goes, and the title stops pointing at it."""
    job = db.session.get(TranscodeJob, job_id)
    if job is None:
        return
    prefix = version_prefix(job.asset_id, job_id, lease)
    db.session.execute(update(MediaAsset).where(MediaAsset.id == job.asset_id, MediaAsset.published_prefix == prefix)
                       .values(published_prefix=None))
    db.session.commit()
    storage().delete_prefix(prefix)
