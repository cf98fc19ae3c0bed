"""Job states as admins see them: progress events on Socket.IO, a cancelled queued job, and the
failures a bad source ends in (with their reason, never a crash or a stuck job)."""
from __future__ import annotations

import threading
import time

import pytest
import redis as redis_lib
import requests
import socketio

from tests.media.conftest import consumer_paused, upload, wait_for_job

pytestmark = pytest.mark.slow


class Listener:
    """A real Socket.IO client (websocket) that keeps every media_progress it hears."""

    def __init__(self, url: str, token: str) -> None:
        self.events: list[dict] = []
        self.lock = threading.Lock()
        self.client = socketio.Client(reconnection=False)
        self.client.on("media_progress", self._keep)
        self.client.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=10)

    def _keep(self, data):
        with self.lock:
            self.events.append(data)

    def for_job(self, job_id: int) -> list[dict]:
        with self.lock:
            return [e for e in self.events if e["jobId"] == job_id]

    def close(self):
        self.client.disconnect()


def test_admins_hear_every_state_of_a_job_and_users_hear_none(live_server, media_worker, client, admin,
                                                             admin_headers, user, token_for, movie, clips):
    admin_socket, user_socket = Listener(live_server.url, token_for(admin)), Listener(live_server.url, token_for(user))
    try:
        content_id = movie()
        with open(clips("long.mp4", seconds=12), "rb") as handle:
            response = requests.post(f"{live_server.url}/api/v1/admin/content/{content_id}/media",
                                     headers=admin_headers, files={"video": ("long.mp4", handle)}, timeout=30)
        job_id = response.json()["data"]["id"]
        assert wait_for_job(client, admin_headers, job_id)["state"] == "ready"
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not any(e["state"] == "ready" for e in admin_socket.for_job(job_id)):
            time.sleep(0.05)
        events = admin_socket.for_job(job_id)
        states = [e["state"] for e in events]
        order = ["queued", "probing", "transcoding", "packaging", "ready"]
        assert [s for s in order if s in states] == order, states  # every state was announced...
        assert states == sorted(states, key=order.index)  # ...in order
        progress = [e["progress"] for e in events]
        assert progress == sorted(progress) and progress[-1] == 100.0
        assert events[-1]["rungsLive"] == ["180p", "120p"] and events[-1]["contentId"] == content_id
        assert all(isinstance(e["serverTime"], int) for e in events)
        assert user_socket.for_job(job_id) == []
    finally:
        admin_socket.close()
        user_socket.close()


def test_a_cancelled_queued_job_never_runs(app, client, media_worker, admin_headers, movie, clips):
    with consumer_paused(app, media_worker):
        content_id = movie()
        job = upload(client, admin_headers, clips("clip.mp4", seconds=4),
                     f"/api/v1/admin/content/{content_id}/media").get_json()["data"]
        cancelled = client.delete(f"/api/v1/admin/transcode/{job['id']}", headers=admin_headers)
        assert cancelled.status_code == 200 and cancelled.get_json()["data"]["state"] == "cancelled"
        assert cancelled.get_json()["data"]["errorCode"] == "CANCELLED"
    broker = redis_lib.Redis.from_url(app.config["CELERY"]["broker_url"])
    deadline = time.monotonic() + 10
    while broker.llen("media") and time.monotonic() < deadline:  # the worker takes the queued delivery...
        time.sleep(0.05)
    assert broker.llen("media") == 0
    time.sleep(1)  # ...and finds nothing to do
    job = client.get(f"/api/v1/admin/transcode/{job['id']}", headers=admin_headers).get_json()["data"]
    assert job["state"] == "cancelled" and job["attempts"] == 0
    again = client.delete(f"/api/v1/admin/transcode/{job['id']}", headers=admin_headers)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "JOB_FINISHED"
    stream = client.get(f"/api/v1/content/{content_id}/stream", headers=admin_headers)
    assert stream.status_code == 409 and stream.get_json()["error"]["details"]["state"] == "cancelled"
    # and it can be run again from the stored source
    rerun = client.post("/api/v1/admin/transcode", headers=admin_headers, json={"contentId": content_id})
    assert rerun.status_code == 202
    assert wait_for_job(client, admin_headers, rerun.get_json()["data"]["id"])["state"] == "ready"


def test_one_job_at_a_time_per_title(app, client, media_worker, admin_headers, movie, clips):
    with consumer_paused(app, media_worker):
        content_id = movie()
        first = upload(client, admin_headers, clips("clip.mp4", seconds=4),
                       f"/api/v1/admin/content/{content_id}/media").get_json()["data"]
        second = upload(client, admin_headers, clips("clip.mp4", seconds=4), f"/api/v1/admin/content/{content_id}/media")
        assert second.status_code == 409 and second.get_json()["error"]["code"] == "TRANSCODE_RUNNING"
        assert second.get_json()["error"]["details"]["jobId"] == first["id"]
        rerun = client.post("/api/v1/admin/transcode", headers=admin_headers, json={"contentId": content_id})
        assert rerun.status_code == 409
    assert wait_for_job(client, admin_headers, first["id"])["state"] == "ready"


def _failed(client, admin_headers, content_id, path):
    job = upload(client, admin_headers, path, f"/api/v1/admin/content/{content_id}/media")
    assert job.status_code == 202, job.get_json()
    return wait_for_job(client, admin_headers, job.get_json()["data"]["id"])


def test_a_truncated_file_fails_with_its_reason(client, media_worker, admin_headers, movie, clips, tmp_path):
    whole = clips("whole.mkv", seconds=8).read_bytes()
    cut = tmp_path / "cut.mkv"
    cut.write_bytes(whole[: len(whole) * 4 // 10])  # the header still says 8 s
    content_id = movie()
    job = _failed(client, admin_headers, content_id, cut)
    assert job["state"] == "failed" and job["errorCode"] == "SOURCE_TRUNCATED", job
    assert "of its 8.0 s" in job["error"]
    stream = client.get(f"/api/v1/content/{content_id}/stream", headers=admin_headers)
    assert stream.status_code == 409 and stream.get_json()["error"]["code"] == "MEDIA_NOT_READY"
    status = client.get(f"/api/v1/admin/content/{content_id}/status", headers=admin_headers).get_json()["data"]
    assert status["assets"][0]["playable"] is False and status["jobs"][0]["state"] == "failed"


def test_a_corrupt_file_fails_with_ffmpegs_reason(client, media_worker, admin_headers, movie, clips, tmp_path):
    data = bytearray(clips("whole.mp4", seconds=8).read_bytes())
    start = len(data) // 5
    data[start:] = bytes((i * 7919) % 251 for i in range(len(data) - start))  # noise after the first 20 %
    corrupt = tmp_path / "corrupt.mp4"
    corrupt.write_bytes(bytes(data))
    job = _failed(client, admin_headers, movie(), corrupt)
    assert job["state"] == "failed" and job["errorCode"] == "TRANSCODE_FAILED", job
    assert "Invalid" in job["errorTail"] and job["finishedAt"]


def test_a_file_mostly_of_something_else_fails_before_encoding(client, media_worker, admin_headers, movie, clips,
                                                               tmp_path):
    padded = tmp_path / "padded.mkv"
    whole = clips("whole.mkv", seconds=8).read_bytes()
    padded.write_bytes(whole + bytes((i * 31) % 256 for i in range(len(whole) * 4)))
    job = _failed(client, admin_headers, movie(), padded)
    assert job["state"] == "failed" and job["errorCode"] == "SOURCE_CORRUPT", job
    assert "readable media" in job["error"]


def test_a_source_gone_before_its_job_runs_fails_cleanly(app, client, media_worker, admin_headers, movie, clips):
    from pathlib import Path

    with consumer_paused(app, media_worker):
        content_id = movie()
        job = upload(client, admin_headers, clips("clip.mp4", seconds=4),
                     f"/api/v1/admin/content/{content_id}/media").get_json()["data"]
        for source in (Path(app.config["STORAGE_DIR"]) / "uploads").glob("*/source"):
            source.unlink()
    job = wait_for_job(client, admin_headers, job["id"])
    assert job["state"] == "failed" and job["errorCode"] == "SOURCE_MISSING"
