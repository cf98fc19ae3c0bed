"""/health and /health/<name>: real dependencies, bounded checks, honest status codes."""
import time

import pytest
import requests

from config.redis_server import free_port
from tests.support.processes import ServerProcess


def lonely_broker(test_env) -> str:
    """A broker database no Celery worker listens on (the session's worker may be running)."""
    return test_env["REDIS_URL"].rsplit("/", 1)[0] + "/15"


@pytest.mark.slow
def test_health_without_a_worker_is_degraded(app, test_env):
    server = ServerProcess(test_env, extra_env={"CELERY_BROKER_URL": lonely_broker(test_env)})
    server.start()
    try:
        started = time.monotonic()
        response = requests.get(f"{server.url}/health", timeout=10)
        elapsed = time.monotonic() - started
    finally:
        server.stop()
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["redis"]["status"] == "ok"
    assert body["checks"]["storage"]["status"] == "ok"
    assert body["checks"]["celery"]["status"] == "down"
    assert body["version"] and body["uptimeSeconds"] >= 0
    assert elapsed < 3, "each check is bounded to about a second"


def test_health_with_a_live_worker_is_ok(client, celery_worker):
    body = client.get("/health").get_json()
    assert body["checks"]["celery"]["status"] == "ok"
    assert body["checks"]["celery"]["workers"] >= 1
    assert body["status"] == "ok"


def test_single_check_and_unknown_check(client):
    one = client.get("/health/database")
    assert one.status_code == 200 and set(one.get_json()["checks"]) == {"database"}
    unknown = client.get("/health/nope")
    assert unknown.status_code == 404
    assert unknown.get_json()["error"]["code"] == "NOT_FOUND"


@pytest.mark.slow
def test_redis_outage_is_down_and_fast_and_the_api_still_answers(app, test_env):
    dead_redis = f"redis://127.0.0.1:{free_port()}/0"
    server = ServerProcess(test_env, extra_env={"REDIS_URL": dead_redis, "TEST_REDIS_URL": dead_redis})
    server.start()
    try:
        started = time.monotonic()
        response = requests.get(f"{server.url}/health", timeout=10)
        assert time.monotonic() - started < 4
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "down" and body["checks"]["redis"]["status"] == "down"
        assert body["checks"]["database"]["status"] == "ok"
        # the limiter fails open, so the API keeps answering (here: an honest 401)
        me = requests.get(f"{server.url}/api/v1/auth/me", timeout=10)
        assert me.status_code == 401 and me.json()["error"]["code"] == "AUTHENTICATION_ERROR"
    finally:
        server.stop()
