"""Media fixtures: generated clips, a movie to attach them to, and waiting for a job."""
from __future__ import annotations

import time
from contextlib import contextmanager

import pytest

from tests.support.clips import make_clip
from tests.support.processes import WorkerProcess


@pytest.fixture(autouse=True)
def _generous_budgets(request):
    """These tests poll jobs and fetch every segment from one address: more than a client's budget
    (the budgets have their own tests)."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    saved = {name: app.config.get(name) for name in ("RATELIMIT_APPLICATION", "RATELIMIT_PER_USER")}
    app.config.update(RATELIMIT_APPLICATION="100000 per minute", RATELIMIT_PER_USER="100000 per minute")
    yield
    app.config.update(saved)


@pytest.fixture
def start_worker(app, test_env):
    """Media workers of one test, each with its own settings (``start_worker(MEDIA_X264_PRESET=...)``)."""
    started: list[WorkerProcess] = []

    def start(**env) -> WorkerProcess:
        worker = WorkerProcess(test_env, extra_env=env, queues="media", concurrency=1)
        worker.start(app.extensions["celery"])
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


@contextmanager
def consumer_paused(app, worker: WorkerProcess):
    """The worker takes nothing from the media queue meanwhile: a job stays queued."""
    celery = app.extensions["celery"]
    celery.control.cancel_consumer("media", destination=[worker.hostname], reply=True)
    try:
        yield
    finally:
        celery.control.add_consumer("media", destination=[worker.hostname], reply=True)


@pytest.fixture(scope="module")
def media_worker(app, test_env):
    """A real worker on the ``media`` queue with the suite's small, fast ladder."""
    worker = WorkerProcess(test_env, queues="media", concurrency=2)
    worker.start(app.extensions["celery"])
    yield worker
    worker.stop()


@pytest.fixture(scope="session")
def clips(tmp_path_factory):
    """Clips made once per run: ``clips("name", seconds=..., ...)`` returns the file."""
    folder = tmp_path_factory.mktemp("clips")
    made = {}

    def get(name: str = "clip.mp4", **options):
        if name not in made:
            made[name] = make_clip(folder / name, **options)
        return made[name]

    return get


@pytest.fixture
def movie(client, admin_headers):
    def create(tier: str = "free", rating: str = "PG", status: str = "published", title: str = "Test Pattern"):
        response = client.post("/api/v1/content", headers=admin_headers, json={
            "kind": "movie", "title": title, "maturityRating": rating, "tierRequired": tier, "status": status,
            "runtimeMinutes": 1})
        assert response.status_code == 201, response.get_json()
        return response.get_json()["data"]["id"]

    return create


def upload(client, headers, path, url):
    with open(path, "rb") as handle:
        return client.post(url, headers=headers, data={"video": (handle, path.name)},
                           content_type="multipart/form-data")


def wait_for_job(client, headers, job_id, states=("ready", "failed", "cancelled"), timeout=90):
    deadline = time.monotonic() + timeout
    job = None
    while time.monotonic() < deadline:
        job = client.get(f"/api/v1/admin/transcode/{job_id}", headers=headers).get_json()["data"]
        if job["state"] in states:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not reach {states} within {timeout}s: {job}")
