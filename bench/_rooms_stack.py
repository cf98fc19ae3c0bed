"""What the room benchmarks start: a private Redis, a migrated SQLite file, one Marquee web
process, signed tokens.

Tokens are signed directly with the bench's SECRET_KEY (the socket connect handler only checks
the signature and claims), so 1,000 clients need no database rows.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.auth.tokens import issue_access_token  # noqa: E402
from common import make_app, migrate  # noqa: E402
from config.redis_server import free_port, start_redis  # noqa: E402

SECRET = "bench-secret-key-" + "b" * 32


class Stack:
    def __init__(self, extra_env: dict | None = None) -> None:
        self.redis = start_redis()
        self.tmp = tempfile.TemporaryDirectory()
        self.port = free_port()
        self.database_url = f"sqlite:///{self.tmp.name}/bench.db"
        self.env = {**os.environ, "APP_ENV": "testing", "REDIS_URL": self.redis.url, "TEST_REDIS_URL": self.redis.url,
                    "TEST_DATABASE_URL": self.database_url, "SECRET_KEY": SECRET,
                    "LOG_LEVEL": "WARNING", "RATE_LIMIT_ENABLED": "false", "PORT": str(self.port),
                    "STORAGE_DIR": self.tmp.name, "GRACEFUL_TIMEOUT": "3",  # nothing to drain at stop
                    **(extra_env or {})}
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Stack":
        # rooms live in Redis, but creating one picks a provider from the database (custom providers)
        migrate(make_app(self.database_url, self.redis.url, SECRET_KEY=SECRET, STORAGE_DIR=self.tmp.name))
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.log = open(Path(self.tmp.name) / "web.log", "wb")
        self.process = subprocess.Popen([str(gunicorn), "-c", "config/gunicorn.py", "--bind", f"127.0.0.1:{self.port}",
                                         "wsgi:app"], cwd=ROOT, env=self.env, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"web process exited:\n{self.output()}")
            try:
                if requests.get(f"{self.url}/health/redis", timeout=1).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError(f"web process did not start:\n{self.output()}")

    def output(self) -> str:
        return (Path(self.tmp.name) / "web.log").read_text(errors="replace")[-3000:]

    def tokens(self, count: int) -> list[str]:
        return [issue_access_token(SECRET, user_id=100_000 + n, uid=f"bench-{n}", role="user", tier="free",
                                   ttl=3600, name=f"bench {n}") for n in range(count)]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.redis.stop()
        self.tmp.cleanup()


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]
