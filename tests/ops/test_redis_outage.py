"""A Redis outage under a running web process: reads that only cache in Redis answer from the
database, the limiter fails open, state kept in Redis answers 503 + Retry-After (REST and
Socket.IO), nothing answers 500 or hangs, and everything recovers without a restart.

The module has its own redis-server (the suite's shared one keeps serving the other tests) and
a real gunicorn process pointed at it; the server is stopped with SHUTDOWN SAVE and started
again on the same port from the same directory, as a managed Redis restarts with its data.
"""
from __future__ import annotations

import os
import re
import signal
import time

import pytest
import redis as redis_lib
import requests

from config.redis_server import start_redis
from tests.catalog.factories import movie_body
from tests.rooms.conftest import Sock, room_body
from tests.support.processes import ServerProcess

SLOWEST_ANSWER_S = 3.0  # a request during the outage answers within this (short Redis timeouts)
SOCKET_EVENTS = {
    "create_room": lambda room_id: room_body(),
    "join_room": lambda room_id: {"roomId": room_id},
    "leave_room": lambda room_id: {"roomId": room_id},
    "playback_action": lambda room_id: {"roomId": room_id, "action": {"type": "play"}},
    "update_time": lambda room_id: {"roomId": room_id, "currentTime": 12.5},
    "sync_request": lambda room_id: {"roomId": room_id},
    "heartbeat": lambda room_id: {"roomId": room_id},
    "time_sync": lambda room_id: {"clientTime": int(time.time() * 1000)},
    "player_state": lambda room_id: {"roomId": room_id, "state": "ready", "position": 1.0},
    "chat_message": lambda room_id: {"roomId": room_id, "text": "hello"},
    "transfer_admin": lambda room_id: {"roomId": room_id, "newAdminId": "1"},
    "kick_user": lambda room_id: {"roomId": room_id, "userIdToKick": "1"},
}


class Stack:
    def __init__(self, test_env, workdir: str) -> None:
        self.workdir = workdir
        self.redis = start_redis(workdir=workdir)
        self.port = self.redis.port
        url = self.redis.url
        self.web = ServerProcess(test_env, extra_env={"REDIS_URL": url, "TEST_REDIS_URL": url, "LOG_LEVEL": "ERROR"})
        self.web.start()

    @property
    def url(self) -> str:
        return self.web.url

    def stop_redis(self) -> None:
        client = redis_lib.Redis(port=self.port)
        try:
            client.shutdown(save=True)
        except redis_lib.ConnectionError:
            pass
        self.redis.process.wait(timeout=10)
        self.redis.stop(keep_workdir=True)

    def start_redis(self) -> None:
        self.redis = start_redis(port=self.port, workdir=self.workdir)

    def close(self) -> None:
        self.web.stop()
        self.redis.stop()


@pytest.fixture(scope="module")
def stack(app, test_env, tmp_path_factory):
    running = Stack(test_env, str(tmp_path_factory.mktemp("outage-redis")))
    yield running
    running.close()


def timed(method: str, url: str, **kwargs) -> requests.Response:
    started = time.monotonic()
    response = requests.request(method, url, timeout=SLOWEST_ANSWER_S * 3, **kwargs)
    elapsed = time.monotonic() - started
    assert elapsed < SLOWEST_ANSWER_S, f"{method} {url} took {elapsed:.1f}s during the outage"
    return response


def assert_unavailable(response: requests.Response, what: str) -> None:
    body = response.json()
    assert response.status_code == 503, (what, response.status_code, body)
    assert body["success"] is False and body["error"]["code"] == "SERVICE_UNAVAILABLE", (what, body)
    assert int(response.headers["Retry-After"]) > 0, what


def wait_until(check, timeout: float = 20.0, what: str = "recovery"):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.25)
    raise AssertionError(f"no {what} within {timeout}s (last: {last})")


def test_reads_fall_back_state_answers_503_and_everything_recovers(stack, make_user, auth_headers, token_for):
    base = stack.url
    admin, viewer, friend = make_user(role="admin", tier="family"), make_user(), make_user()
    as_admin, as_viewer = auth_headers(admin), auth_headers(viewer)
    created = requests.post(f"{base}/api/v1/content", json=movie_body(title="Outage Feature", tmdbId=550),
                            headers=as_admin, timeout=10)
    assert created.status_code == 201, created.json()
    movie_id = created.json()["data"]["id"]
    session = requests.post(f"{base}/api/v1/streaming/session", json={"contentId": movie_id, "device": "tv"},
                            headers=as_viewer, timeout=10).json()["data"]
    progress_url = f"{base}/api/v1/streaming/session/{session['sessionId']}"
    assert requests.put(progress_url, json={"position": 1200, "state": "playing"}, headers=as_viewer,
                        timeout=10).json()["data"]["applied"] is True
    sock, friend_sock = Sock(base, token_for(viewer)), Sock(base, token_for(friend))
    try:
        room = sock.ok("create_room", room_body())
        friend_sock.ok("join_room", {"roomId": room["id"]})

        stack.stop_redis()

        # Redis only caches these: they answer as usual, from the database
        for path, headers in [("/api/v1/content", {}), ("/api/v1/content?genre=drama", {}),
                              ("/api/v1/content/search?q=Outage", {}), (f"/api/v1/content/{movie_id}", {}),
                              (f"/api/v1/content/{movie_id}/sources", {}), ("/api/v1/content/catalog", {}),
                              ("/api/v1/providers", as_admin), ("/api/v1/providers/vidsrc", as_admin),
                              ("/api/v1/providers/status/vidsrc", as_admin), ("/api/v1/proxies", as_admin),
                              ("/api/v1/watch-together/providers", as_viewer), ("/api/v1/auth/me", as_viewer),
                              ("/api/v1/users/me/history", as_viewer), ("/api/v1/streaming/history", as_viewer),
                              ("/api/v1/recommendations/trending?window=24h", as_viewer),
                              ("/api/v1/recommendations/popular", as_viewer),
                              ("/api/v1/recommendations/popular?genre=drama", as_viewer)]:
            response = timed("GET", base + path, headers=headers)
            assert response.status_code == 200, (path, response.status_code, response.text[:300])
        listing = timed("GET", f"{base}/api/v1/content").json()
        assert "Outage Feature" in [item["title"] for item in listing["data"]] and listing["meta"]["total"] >= 1
        trending = timed("GET", f"{base}/api/v1/recommendations/trending?window=24h", headers=as_viewer).json()
        assert [item["title"] for item in trending["data"]] == ["Outage Feature"]  # ranked from SQL, not stored
        status = timed("GET", f"{base}/api/v1/providers/status/vidsrc", headers=as_admin).json()["data"]
        assert status["status"] == "unknown"
        # the limiter fails open: logging in still works
        login = timed("POST", f"{base}/api/v1/auth/login", json={"email": viewer["email"], "password": "password123"})
        assert login.status_code == 200, login.json()

        # Redis is the state of these: 503 + Retry-After, nothing half-done
        assert_unavailable(timed("PUT", progress_url, json={"position": 1500, "state": "playing"}, headers=as_viewer),
                           "progress report")
        assert_unavailable(timed("POST", f"{base}/api/v1/streaming/progress", json={"contentId": movie_id,
                                                                                  "position": 1500},
                                 headers=as_viewer), "progress by item")
        assert_unavailable(timed("POST", f"{base}/api/v1/streaming/session", json={"contentId": movie_id},
                                 headers=as_viewer), "session start")
        assert_unavailable(timed("POST", f"{base}/api/v1/watch-together/rooms", json=room_body(), headers=as_viewer),
                           "room creation")
        assert_unavailable(timed("GET", f"{base}/api/v1/watch-together/rooms/{room['id']}", headers=as_viewer),
                           "room read")
        assert_unavailable(timed("POST", f"{base}/api/v1/providers/check", headers=as_admin), "queued check")
        health = timed("GET", f"{base}/health")
        assert health.status_code == 503 and health.json()["checks"]["redis"]["status"] == "down"

        sock.clear()
        reply = sock.call("sync_request", {"roomId": room["id"]}, timeout=SLOWEST_ANSWER_S)
        assert reply["success"] is False and reply["error"]["code"] == "SERVICE_UNAVAILABLE", reply
        assert sock.wait("error", lambda e: e["code"] == "SERVICE_UNAVAILABLE")["event"] == "sync_request"

        stack.start_redis()

        # no restart of the web process: the same requests succeed once Redis answers again
        recovered = wait_until(lambda: requests.put(progress_url, json={"position": 1500, "state": "playing"},
                                                    headers=as_viewer, timeout=5).status_code == 200)
        assert recovered
        synced = sock.call("sync_request", {"roomId": room["id"]})
        assert synced["success"] is True, synced  # the room outlived the outage
        again = requests.post(f"{base}/api/v1/watch-together/rooms", json=room_body(), headers=as_viewer, timeout=10)
        assert again.status_code == 201, again.json()
        assert requests.get(f"{base}/api/v1/content", timeout=10).status_code == 200
        assert wait_until(lambda: requests.get(f"{base}/health/redis", timeout=5).status_code == 200)
        # broadcasts travel through Redis too: the web process listens again within seconds
        friend_sock.clear()
        sock.ok("chat_message", {"roomId": room["id"], "text": "back again"})
        assert friend_sock.wait("chat_message", lambda m: m["text"] == "back again", timeout=5)
    finally:
        sock.close()
        friend_sock.close()


def _concrete(rule: str) -> str:
    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", lambda m: "1" if m.group(1) == "int" else "x", rule)


def test_every_route_and_socket_event_answers_normally_or_503_during_the_outage(app, stack, make_user,
                                                                                 auth_headers, token_for):
    admin, viewer = make_user(role="admin", tier="family"), make_user()
    base = stack.url
    sock = Sock(base, token_for(viewer))
    try:
        room = sock.ok("create_room", room_body())
        stack.stop_redis()
        failures = []
        for rule in app.url_map.iter_rules():
            if rule.endpoint == "static" or rule.rule.startswith("/socket.io"):
                continue
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                for headers in (auth_headers(admin), {}):  # an admin goes as deep as anyone
                    kwargs = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
                    response = timed(method, base + _concrete(rule.rule), headers=headers, **kwargs)
                    if response.status_code >= 500 and not rule.rule.startswith("/health"):
                        body = response.json()
                        if (response.status_code != 503 or body["error"]["code"] != "SERVICE_UNAVAILABLE"
                                or "Retry-After" not in response.headers):
                            failures.append((method, rule.rule, response.status_code, response.text[:200]))
        assert not failures, failures
        # hundreds of requests, yet the log has a line every few seconds, not a traceback per request
        tracebacks = stack.web.log_path.read_text(errors="replace").count("Traceback (most recent call last)")
        assert tracebacks <= 2, stack.web.output()

        # a new connection is still accepted (identity needs no Redis); every event gets an ack
        late = Sock(base, token_for(viewer))
        try:
            for event, payload in SOCKET_EVENTS.items():
                for client in (sock, late):
                    reply = client.call(event, payload(room["id"]), timeout=SLOWEST_ANSWER_S)
                    if event == "time_sync":  # the only event that needs no Redis
                        assert reply["success"] is True, reply
                    else:
                        assert reply["success"] is False and reply["error"]["code"] == "SERVICE_UNAVAILABLE", (
                            event, reply)
        finally:
            late.close()
    finally:
        sock.close()
        if stack.redis.process.poll() is not None:
            stack.start_redis()


def test_a_frozen_redis_costs_a_bounded_wait_not_a_hang(stack, make_user, auth_headers):
    """SIGSTOP: connections open but nothing answers, the case only socket timeouts bound."""
    viewer = make_user()
    base = stack.url
    movie = requests.post(f"{base}/api/v1/content", json=movie_body(title="Frozen Feature"),
                          headers=auth_headers(make_user(role="admin")), timeout=10).json()["data"]
    session = requests.post(f"{base}/api/v1/streaming/session", json={"contentId": movie["id"]},
                            headers=auth_headers(viewer), timeout=10).json()["data"]
    os.kill(stack.redis.process.pid, signal.SIGSTOP)
    try:
        # each answer costs at most a couple of REDIS_SOCKET_TIMEOUTs (the limiter's, then one more)
        for _ in range(2):
            started = time.monotonic()
            listing = requests.get(f"{base}/api/v1/content", timeout=30)
            assert listing.status_code == 200 and time.monotonic() - started < 6, time.monotonic() - started
        started = time.monotonic()
        report = requests.put(f"{base}/api/v1/streaming/session/{session['sessionId']}",
                              json={"position": 60, "state": "playing"}, headers=auth_headers(viewer), timeout=30)
        assert time.monotonic() - started < 6, time.monotonic() - started
        assert_unavailable(report, "progress report while Redis is frozen")
    finally:
        os.kill(stack.redis.process.pid, signal.SIGCONT)
    assert wait_until(lambda: requests.put(f"{base}/api/v1/streaming/session/{session['sessionId']}",
                                           json={"position": 61, "state": "playing"}, headers=auth_headers(viewer),
                                           timeout=10).status_code == 200)
