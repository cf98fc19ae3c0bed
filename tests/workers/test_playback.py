"""The progress flush and idle endings, run by a real Celery worker."""
import os
import signal
import time
from datetime import timedelta

import requests

from tests.catalog.factories import create, movie_body
from tests.support.processes import ServerProcess


def wait_for(check, timeout=20.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")


def history(client, headers):
    return client.get("/api/v1/users/me/history", headers=headers).get_json()["data"]


def test_worker_flushes_reports_once_per_session(app, client, admin_headers, make_user, auth_headers,
                                                 celery_worker):
    celery = app.extensions["celery"]
    movie = create(client, admin_headers, movie_body(runtimeMinutes=100))
    viewers = [auth_headers(make_user()) for _ in range(3)]
    sessions = []
    for headers in viewers:
        sid = client.post("/api/v1/streaming/session", json={"contentId": movie["id"]},
                          headers=headers).get_json()["data"]["sessionId"]
        sessions.append(sid)
        for position in range(600, 1300, 100):
            client.put(f"/api/v1/streaming/session/{sid}", json={"position": position, "state": "playing"},
                       headers=headers)
    assert all(history(client, headers) == [] for headers in viewers)
    celery.send_task("workers.playback.flush_progress")
    for headers in viewers:
        entry = wait_for(lambda h=headers: history(client, h))[0]
        assert entry["position"] == 1200
    from sqlalchemy import func, select

    from app.extensions import db
    from app.playback.models import WatchHistory

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WatchHistory)) == 3


def test_a_report_survives_the_web_process_dying(app, client, admin_headers, user, user_headers, test_env,
                                                 celery_worker):
    movie = create(client, admin_headers, movie_body(runtimeMinutes=100))
    server = ServerProcess(test_env)
    server.start()
    try:
        sid = requests.post(f"{server.url}/api/v1/streaming/session", json={"contentId": movie["id"]},
                            headers=user_headers, timeout=10).json()["data"]["sessionId"]
        acknowledged = requests.put(f"{server.url}/api/v1/streaming/session/{sid}",
                                    json={"position": 2222, "state": "playing"}, headers=user_headers, timeout=10)
        assert acknowledged.status_code == 200
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=10)
    finally:
        server.stop()
    app.extensions["celery"].send_task("workers.playback.flush_progress")
    entry = wait_for(lambda: history(client, user_headers))[0]
    assert entry["position"] == 2222


def test_worker_ends_idle_sessions(app, client, admin_headers, user_headers, celery_worker):
    from sqlalchemy import update

    from app.core.timeutil import utcnow
    from app.extensions import db, redis
    from app.playback import keys
    from app.playback.models import PlaybackSession

    movie = create(client, admin_headers, movie_body(runtimeMinutes=100))
    idle = client.post("/api/v1/streaming/session", json={"contentId": movie["id"]},
                       headers=user_headers).get_json()["data"]["sessionId"]
    busy = client.post("/api/v1/streaming/session", json={"contentId": movie["id"]},
                       headers=user_headers).get_json()["data"]["sessionId"]
    long_ago = utcnow() - timedelta(minutes=10)
    with app.app_context():
        # the idle session last reported ten minutes ago
        db.session.execute(update(PlaybackSession).where(PlaybackSession.id == idle)
                           .values(last_report_at=long_ago, started_at=long_ago))
        db.session.commit()
        redis.hset(keys.session(idle), "reported_ms", int(long_ago.timestamp() * 1000))
    app.extensions["celery"].send_task("workers.playback.end_idle_sessions")

    def ended():
        with app.app_context():
            db.session.remove()
            return db.session.get(PlaybackSession, idle).ended_at is not None

    wait_for(ended)
    refused = client.put(f"/api/v1/streaming/session/{idle}", json={"position": 700, "state": "playing"},
                         headers=user_headers)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "SESSION_ENDED"
    still = client.put(f"/api/v1/streaming/session/{busy}", json={"position": 700, "state": "playing"},
                       headers=user_headers)
    assert still.status_code == 200


def test_the_flush_and_idle_check_are_scheduled(app):
    schedule = app.config["CELERY"]["beat_schedule"]
    flush = schedule["playback-flush-progress"]
    assert flush["task"] == "workers.playback.flush_progress"
    assert flush["schedule"].total_seconds() == app.config["PLAYBACK_FLUSH_INTERVAL"]
    assert schedule["playback-end-idle-sessions"]["task"] == "workers.playback.end_idle_sessions"
