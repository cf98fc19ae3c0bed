"""`make run`'s launcher: private Redis, migrations, seed, Procfile processes, clean Ctrl-C."""
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from config.redis_server import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.redis  # its private Redis follows REDIS_SERVER_BIN, so CI's embedded pass runs `make run` on it
def test_devstack_starts_everything_and_ctrl_c_stops_it(tmp_path):
    port, streamer_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEST_", "REDIS_URL", "DATABASE_URL", "APP_ENV"))}
    env.update({"PORT": str(port), "DATABASE_URL": f"sqlite:///{tmp_path / 'dev.db'}", "LOG_LEVEL": "WARNING",
                "STORAGE_DIR": str(tmp_path / "storage"), "CELERY_BEAT_SCHEDULE": str(tmp_path / "beat"),
                "STREAMER_PORT": str(streamer_port), "TORRENT_LISTEN_INTERFACES": "127.0.0.1:0",
                "TORRENT_DHT": "false", "TORRENT_LSD": "false",
                # the MovieLens import (~25 s) has its own tests (tests/recommendations/test_evaluation.py)
                "RECS_DEMO_MOVIELENS": "false"})
    env.pop("ADMIN_PASSWORD", None)
    log = open(tmp_path / "run.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "config.devstack", "run", "web", "streamer", "worker"], cwd=ROOT,
                               env=env,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        body = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            try:
                body = requests.get(f"http://127.0.0.1:{port}/health", timeout=3).json()
                if body["status"] == "ok":
                    break
            except (requests.RequestException, ValueError):
                pass
            time.sleep(0.5)
        output = (tmp_path / "run.log").read_text(errors="replace")
        assert body and body["status"] == "ok", output[-3000:]
        assert f"http://127.0.0.1:{port}/docs" in output
        assert "development default" in output  # the admin password is printed when unset
        redis_url = re.search(r"Started a private redis-server on (redis://\S+)", output).group(1)
        login = requests.post(f"http://127.0.0.1:{port}/api/v1/auth/login", timeout=5,
                              json={"email": "admin@marquee.local", "password": "marquee-admin"})
        assert login.status_code == 200 and login.json()["data"]["user"]["role"] == "admin"
        # the streamer of the Procfile answers on its own port, and the banner names it
        assert f"Streamer     http://127.0.0.1:{streamer_port}" in output
        deadline = time.monotonic() + 30
        while True:
            try:
                assert requests.get(f"http://127.0.0.1:{streamer_port}/health", timeout=3).status_code == 200
                break
            except requests.RequestException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        code = process.wait(timeout=60)
    assert code == 0
    redis_port = int(redis_url.rsplit(":", 1)[1].split("/")[0])
    with pytest.raises(OSError):
        import socket

        socket.create_connection(("127.0.0.1", redis_port), timeout=1).close()
    with pytest.raises(requests.RequestException):
        requests.get(f"http://127.0.0.1:{port}/health", timeout=1)
