"""Jobs stopped halfway: an admin's cancel stops ffmpeg, and a worker killed mid-job is replaced
by another that takes the job over. Neither publishes half a ladder.

Each test starts its own media workers, slowed down (a 720p clip, a 720p rung, x264 "medium"),
so a job is reliably caught while ffmpeg runs.
"""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tests.media.conftest import upload, wait_for_job

pytestmark = pytest.mark.slow
SLOW = {"MEDIA_X264_PRESET": "medium", "MEDIA_LADDER": "720:2000k,360:600k"}


def _ffmpeg_of(job_id: int) -> list[int]:
    """The ffmpeg processes writing a scratch folder of this job."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            is_ffmpeg = b"ffmpeg" in cmdline[0].rsplit(b"/", 1)[-1]
            if is_ffmpeg and any(f"/work/job{job_id}-".encode() in part for part in cmdline):
                found.append(int(entry.name))
    return found


def _wait_transcoding(client, admin_headers, job_id):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = client.get(f"/api/v1/admin/transcode/{job_id}", headers=admin_headers).get_json()["data"]
        if job["state"] == "transcoding" and job["progress"] > 0:
            return job
        assert job["state"] in ("queued", "probing", "transcoding"), job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} never got going")


def _version_dirs(app, asset_id) -> list[str]:
    folder = Path(app.config["STORAGE_DIR"]) / "media" / str(asset_id)
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_cancelling_a_running_job_stops_ffmpeg_and_publishes_nothing(app, client, start_worker, admin_headers,
                                                                     movie, clips):
    start_worker(**SLOW)
    content_id = movie()
    job = upload(client, admin_headers, clips("hd.mp4", seconds=20, size="1280x720", rate=30),
                 f"/api/v1/admin/content/{content_id}/media").get_json()["data"]
    running = _wait_transcoding(client, admin_headers, job["id"])
    assert running["progress"] < 90 and _ffmpeg_of(job["id"])

    cancelled = client.delete(f"/api/v1/admin/transcode/{job['id']}", headers=admin_headers)
    assert cancelled.status_code == 200 and cancelled.get_json()["data"]["state"] == "cancelled"
    deadline = time.monotonic() + 5
    while _ffmpeg_of(job["id"]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _ffmpeg_of(job["id"]) == [], "ffmpeg still runs after the cancel"
    time.sleep(0.5)
    final = client.get(f"/api/v1/admin/transcode/{job['id']}", headers=admin_headers).get_json()["data"]
    assert final["state"] == "cancelled" and final["progress"] < 100
    assert _version_dirs(app, job["assetId"]) == []  # nothing published
    assert not list((Path(app.config["STORAGE_DIR"]) / "work").glob(f"job{job['id']}-*"))  # scratch removed


def test_a_job_whose_worker_is_killed_is_taken_over_and_finished(app, client, start_worker, admin_headers, movie,
                                                                clips):
    from app.media import service

    doomed = start_worker(**SLOW)
    content_id = movie()
    job = upload(client, admin_headers, clips("hd.mp4", seconds=20, size="1280x720", rate=30),
                 f"/api/v1/admin/content/{content_id}/media").get_json()["data"]
    _wait_transcoding(client, admin_headers, job["id"])
    orphans = _ffmpeg_of(job["id"])
    os.killpg(doomed.process.pid, signal.SIGKILL)  # the worker dies mid-job, acks and all
    doomed.process.wait()
    try:
        start_worker(MEDIA_JOB_STALL_SECONDS="2")
        time.sleep(2.5)  # the dead run's heartbeat goes stale
        app.config["MEDIA_JOB_STALL_SECONDS"] = 2
        try:
            with app.app_context():
                assert service.requeue_stalled() == 1  # what the beat does every MEDIA_JOB_STALL_SECONDS / 2
        finally:
            app.config["MEDIA_JOB_STALL_SECONDS"] = 120
        done = wait_for_job(client, admin_headers, job["id"])
        assert done["state"] == "ready" and done["attempts"] == 2, done
        assert done["rungsLive"] == ["180p", "120p"]  # the second worker's ladder, whole
        versions = _version_dirs(app, job["assetId"])
        assert len(versions) == 1
        stream = client.get(f"/api/v1/content/{content_id}/stream", headers=admin_headers).get_json()["data"]
        for rendition in stream["renditions"]:
            playlist = client.get(rendition["url"]).get_data(as_text=True)
            assert "#EXT-X-ENDLIST" in playlist
            durations = [float(line[8:].rstrip(",")) for line in playlist.splitlines() if line.startswith("#EXTINF:")]
            assert abs(sum(durations) - 20) < 0.5
    finally:
        for pid in orphans:  # the dead worker's ffmpeg ran in its own session
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
