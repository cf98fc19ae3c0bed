"""The factory assembles the app from the domains for a process role.

Each app is built in a child process: the API document and the Socket.IO server are one per
process, and an app built here for another role would replace the ones the suite's app uses.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from tests.conftest import ROOT

PROBE = textwrap.dedent("""
    import json, sys
    from app import create_app
    from app.core.domain import Role
    from app.extensions import socketio

    role = sys.argv[1]
    if role.startswith("only:"):
        role = Role("custom", serves=frozenset(role[5:].split(",")), sockets=False)
    app = create_app("testing", role=role)
    client = app.test_client()
    paths = ["/health/redis", "/metrics", "/api/v1/providers", "/api/v1/content", "/docs", "/openapi.json",
             "/api/v1/watch-together/rooms"]
    answers = {path: client.get(path).status_code for path in paths}
    handlers = sorted(socketio.server.handlers.get("/", {})) if socketio.server else []
    celery = app.extensions["celery"]
    print(json.dumps({"answers": answers, "handlers": handlers, "role": app.config["PROCESS_ROLE"],
                      "include": celery.conf.include, "beat": sorted(celery.conf.beat_schedule)}))
""")


def _build(role: str, test_env: dict) -> subprocess.CompletedProcess:
    import tempfile

    # a streamer resumes the streams its download directory holds: this one has its own
    env = {**test_env, "PATH": "/usr/bin:/bin", "TORRENT_DOWNLOAD_DIR": tempfile.mkdtemp(prefix="factory-torrents-")}
    return subprocess.run([sys.executable, "-c", PROBE, role], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)


def _built(role: str, test_env: dict) -> dict:
    done = _build(role, test_env)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_web_serves_every_domain_and_its_sockets(app, test_env):
    built = _built("web", test_env)
    answers = built["answers"]
    assert answers["/health/redis"] == 200 and answers["/metrics"] == 200
    assert answers["/api/v1/providers"] == 401  # served, and it wants a signed-in user
    assert answers["/api/v1/content"] == 200
    assert answers["/docs"] == 200 and answers["/openapi.json"] == 200
    assert answers["/api/v1/watch-together/rooms"] == 401
    assert {"connect", "join_room", "playback_action", "*"} <= set(built["handlers"])
    assert built["role"] == "web"


def test_streamer_serves_only_its_routes_health_and_metrics(app, test_env):
    built = _built("streamer", test_env)
    answers = built["answers"]
    assert answers["/health/redis"] == 200 and answers["/metrics"] == 200
    for path in ("/api/v1/providers", "/api/v1/content", "/docs", "/api/v1/watch-together/rooms"):
        assert answers[path] == 404, path
    assert built["handlers"] == []  # no Socket.IO events are handled here


def test_a_role_serves_a_chosen_set_of_blueprints(app, test_env):
    answers = _built("only:providers", test_env)["answers"]
    assert answers["/api/v1/providers"] == 401 and answers["/health/redis"] == 200
    assert answers["/api/v1/content"] == 404 and answers["/api/v1/watch-together/rooms"] == 404


def test_worker_has_every_task_and_beat_entry_but_no_routes(app, test_env):
    built = _built("worker", test_env)
    assert set(built["answers"].values()) == {404}
    assert built["handlers"] == []
    assert set(built["include"]) == {"workers.ops", "workers.providers", "workers.proxies", "workers.playback",
                                     "workers.rooms", "workers.media", "workers.torrents",
                                     "workers.recommendations"}
    assert set(built["beat"]) == {"ops-heartbeat", "providers-check", "proxies-probe", "playback-flush-progress",
                                  "playback-end-idle-sessions", "rooms-close-idle", "media-requeue-stalled",
                                  "media-sweep-storage", "recs-refresh-lists", "recs-build-similar",
                                  "recs-train-nightly", "recs-fold-in"}


def test_an_unknown_role_is_refused(app, test_env):
    done = _build("everything", test_env)
    assert done.returncode != 0 and "Unknown process role 'everything'" in done.stderr
