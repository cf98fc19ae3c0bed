"""One run of a transcode job, as a worker performs it: probe, the one-pass ladder, publish.

The outputs are written to a scratch directory and published under a new version prefix in
one step; the asset's pointer then moves in one commit. A failure at any point ends the job as
``failed`` with a code, a reason and ffmpeg's last lines, never as a crash or a stuck job.
"""
from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from flask import current_app
from sqlalchemy import select, update

from app.core.timeutil import utcnow
from app.extensions import db
from app.media import chunked, jobs
from app.media.artwork import tile_thumbnails
from app.media.chunks import plan_chunks
from app.media.failures import Dispatched, JobFailed, LeaseLost, refuse_truncated
from app.media.ffmpeg import FfmpegCancelled, FfmpegFailed, ffmpeg_binary, run
from app.media.ladder import Encoding, LadderError, ladder_command, parse_ladder, renditions_for
from app.media.models import MediaAsset
from app.media.probe import Probe, UnsupportedMedia, probe, scan
from app.media.progress import Progress
from app.media.store import storage, version_prefix, work_area
from app.media.thumbnails import THUMBNAIL_TRACK, ThumbnailSpec, cues, spec_for, track

log = logging.getLogger("marquee.media")
HEARTBEAT_SECONDS = 1.0
MIN_MEDIA_COVERAGE = 0.5  # at least half of a source's bytes must be packets of its streams...
PADDED_CONTAINERS = {"mpegts"}  # ...except where null packets pad a stream legitimately (broadcast TS)


def poster_time(duration: float) -> float:
    """The poster frame: a tenth of the way in (past titles and fades), at most 30 s."""
    return round(min(duration * 0.1, 30.0), 3)


def thumbnail_spec(info: Probe, config) -> ThumbnailSpec:
    return spec_for(info.width, info.height, config["MEDIA_THUMBNAIL_SECONDS"])


def _encoding(config) -> Encoding:
    return Encoding(preset=config["MEDIA_X264_PRESET"], segment_seconds=config["MEDIA_SEGMENT_SECONDS"],
                    keyframe_seconds=config["MEDIA_KEYFRAME_SECONDS"])


class _Heartbeat:
    """Writes the latest progress at most once a second; a refused write means the lease is gone."""

    def __init__(self, job_id: int, lease: str) -> None:
        self.job_id, self.lease = job_id, lease
        self.latest: Progress | None = None
        self.lost = False

    def progress(self, snapshot: Progress) -> None:
        self.latest = snapshot

    def beat(self) -> bool:
        values = {}
        if self.latest is not None:
            values = {"progress": min(self.latest.percent, 99.0), "eta_seconds": self.latest.eta_seconds,
                      "speed": self.latest.speed}
        self.lost = not jobs.advance(self.job_id, self.lease, **values)
        return self.lost


def run_job(job_id: int) -> str:
    """Run the job if this delivery can claim it; returns the state it ended in (or ``skipped``)."""
    lease = jobs.claim(job_id)
    if lease is None:
        log.info("transcode job %s: nothing to do (finished, cancelled or running elsewhere)", job_id)
        return "skipped"
    job = jobs.get_job(job_id)
    asset_id, source_key = job.asset_id, job.source_key
    _remove_scratch_of_earlier_runs(job_id)
    scratch = work_area().scratch_dir(f"job{job_id}")
    try:
        try:
            _transcode(job_id, lease, asset_id, source_key, scratch)
            return "ready"
        except LeaseLost:
            log.info("transcode job %s: stopped (cancelled or taken over)", job_id)
            return "stopped"
        except Dispatched:
            return "dispatched"
        except JobFailed as failure:
            jobs.finish(job_id, lease, "failed", error_code=failure.code, error=failure.message[:500],
                        error_tail=failure.tail)
            return "failed"
        except SoftTimeLimitExceeded:
            jobs.finish(job_id, lease, "failed", error_code="TIME_LIMIT",
                        error="The transcode ran longer than MEDIA_TASK_TIME_LIMIT allows")
            return "failed"
        except Exception as exc:  # a bug or a broken store must still end the job, with its reason
            log.exception("transcode job %s failed unexpectedly", job_id)
            jobs.finish(job_id, lease, "failed", error_code="TRANSCODE_ERROR",
                        error=f"{type(exc).__name__}: {exc}"[:500])
            return "failed"
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _remove_scratch_of_earlier_runs(job_id: int) -> None:
    """A dead run's partial outputs go (an ffmpeg it left behind fails at its next write)."""
    area = work_area()
    for name, _ in area.children():
        if name.startswith(f"job{job_id}-"):
            area.remove(name)


def _probe(store, source_key: str) -> Probe:
    """The source's streams, after a demux of the whole file: a file that is mostly not media, or
    whose packets end well before its stated duration, fails here, before any encoding."""
    try:
        with store.local_copy(source_key) as path:
            info = probe(path)
            found = scan(path)
    except FileNotFoundError:
        raise JobFailed("SOURCE_MISSING", "The uploaded source file is gone") from None
    except UnsupportedMedia as exc:
        raise JobFailed("UNSUPPORTED_MEDIA", f"The upload is not a usable video: {exc.reason}") from None
    if found.coverage < MIN_MEDIA_COVERAGE and info.container not in PADDED_CONTAINERS:
        raise JobFailed("SOURCE_CORRUPT", f"Only {found.coverage:.0%} of the file is readable media: "
                                          "it is damaged or padded with something else")
    refuse_truncated(info.duration, found.last_time)
    return info


def _transcode(job_id: int, lease: str, asset_id: int, source_key: str, scratch: Path) -> None:
    config = current_app.config
    store = storage()
    info = _probe(store, source_key)
    try:
        renditions = renditions_for(info.width, info.height, parse_ladder(config["MEDIA_LADDER"]),
                                    config["MEDIA_AUDIO_KBPS"])
    except LadderError as exc:
        raise JobFailed("LADDER_INVALID", str(exc)) from None
    chunk_seconds = config["MEDIA_CHUNK_SECONDS"]
    if chunk_seconds and info.duration > chunk_seconds:
        plan = plan_chunks(info.duration, chunk_seconds, config["MEDIA_SEGMENT_SECONDS"])
        if len(plan) > 1:
            chunked.dispatch(job_id, lease, info, renditions, plan, _encoding(config))
            raise Dispatched()
    if not jobs.advance(job_id, lease, state="transcoding"):
        raise LeaseLost()
    heartbeat = _Heartbeat(job_id, lease)
    out_dir = scratch / "hls"
    out_dir.mkdir()
    started = time.monotonic()
    with store.local_copy(source_key) as source:
        spec = thumbnail_spec(info, config)
        argv = ladder_command(ffmpeg_binary(config["FFMPEG_BINARY"]), source, str(out_dir), renditions,
                              info.has_audio, _encoding(config), poster_at=poster_time(info.duration), thumbnails=spec)
        try:
            run(argv, info.duration, on_progress=heartbeat.progress, cancelled=heartbeat.beat,
                poll_seconds=HEARTBEAT_SECONDS, frame_rate=info.frame_rate)
        except FfmpegCancelled:
            raise LeaseLost() from None
        except FfmpegFailed as exc:
            raise JobFailed("TRANSCODE_FAILED", "ffmpeg could not decode or encode the video (see the error tail)",
                            exc.tail) from None
    encoded = heartbeat.latest.seconds_done if heartbeat.latest else 0.0
    refuse_truncated(info.duration, encoded)
    try:
        tile_thumbnails(ffmpeg_binary(config["FFMPEG_BINARY"]), str(out_dir), None, spec)
    except FfmpegFailed as exc:
        raise JobFailed("TRANSCODE_FAILED", "ffmpeg could not tile the thumbnails", exc.tail) from None
    (out_dir / THUMBNAIL_TRACK).write_text(track(cues(spec, 0.0, info.duration)))
    log.info("transcode job %s: %d rungs of %.1f s in %.1f s", job_id, len(renditions), info.duration,
             time.monotonic() - started)
    if not jobs.advance(job_id, lease, state="packaging", progress=99.0, eta_seconds=None):
        raise LeaseLost()
    _publish(job_id, lease, asset_id, out_dir, info, [r.as_dict() for r in renditions])


def _publish(job_id: int, lease: str, asset_id: int, out_dir: Path, info: Probe, renditions: list[dict]) -> None:
    """Publish the version, then move the asset's pointer and end the job in one commit."""
    store = storage()
    if not (out_dir / "master.m3u8").is_file():
        raise JobFailed("TRANSCODE_FAILED", "ffmpeg finished without writing the master playlist")
    prefix = version_prefix(asset_id, job_id, lease)
    store.publish(out_dir, prefix)
    previous = db.session.scalar(select(MediaAsset.published_prefix).where(MediaAsset.id == asset_id))
    db.session.execute(update(MediaAsset).where(MediaAsset.id == asset_id).values(
        published_prefix=prefix, renditions=renditions, duration=info.duration, published_at=utcnow()))
    if not jobs.finish(job_id, lease, "ready", progress=100.0, rungs_live=[r["name"] for r in renditions]):
        store.delete_prefix(prefix)  # cancelled at the last moment: nothing was published
        raise LeaseLost()
    if previous and previous != prefix:
        store.delete_prefix(previous)
