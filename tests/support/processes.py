"""Real server and worker subprocesses for tests, started on free ports and stopped cleanly."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from config.redis_server import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent


class _Process:
    def __init__(self, env: dict, extra_env: dict | None = None) -> None:
        self.env = {**os.environ, **env, **(extra_env or {})}
        self.process: subprocess.Popen | None = None
        self.log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"marquee-{type(self).__name__}-{os.getpid()}-{id(self)}.log"

    def _spawn(self, args: list[str]) -> None:
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
                                        start_new_session=True)

    def output(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def stop(self, timeout: float = 20) -> int | None:
        if self.process is None:
            return None
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()
        return self.process.returncode


class ServerProcess(_Process):
    """gunicorn + gevent WebSocket worker serving wsgi:app on a free port."""

    def __init__(self, env: dict, extra_env: dict | None = None, port: int | None = None) -> None:
        self.port = port or free_port()
        # a short grace period keeps teardown quick when a test leaves a keep-alive socket open
        super().__init__(env, {"PORT": str(self.port), "GRACEFUL_TIMEOUT": "3", **(extra_env or {})})

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> None:
        self._spawn([str(BIN / "gunicorn"), "-c", "config/gunicorn.py", "--bind", f"127.0.0.1:{self.port}", "wsgi:app"])
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"web process exited:\n{self.output()}")
            try:
                if requests.get(f"{self.url}/health/redis", timeout=1).status_code in (200, 503):
                    return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError(f"web process did not answer within {timeout}s:\n{self.output()}")


class WorkerProcess(_Process):
    celery_app = None

    def wait_idle(self, timeout: float = 15) -> None:
        """Purge the queues, then wait until this worker runs and holds no task."""
        app = self.celery_app
        app.control.purge()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            inspect = app.control.inspect(destination=[self.hostname], timeout=1, limit=1)
            active, reserved = inspect.active() or {}, inspect.reserved() or {}
            if not active.get(self.hostname) and not reserved.get(self.hostname):
                return
            time.sleep(0.05)

    """A Celery worker (threads pool, so it starts fast and shares nothing odd). By default on every
    queue but ``media``: transcodes go to the media tests' own workers, which set how fast they run."""

    QUEUES = "default,probes,recs,torrents"

    def __init__(self, env: dict, extra_env: dict | None = None, queues: str | None = None,
                 concurrency: int = 4) -> None:
        super().__init__(env, extra_env)
        self.queues = queues or self.QUEUES
        self.concurrency = concurrency
        self.hostname = f"test-{os.getpid()}-{id(self)}@localhost"

    def start(self, celery_app, timeout: float = 30) -> None:
        self._spawn([str(BIN / "celery"), "-A", "celery_app", "worker", "-Q", self.queues, "--pool=threads",
                     f"--concurrency={self.concurrency}", "--loglevel=INFO", "-n", self.hostname, "--without-gossip",
                     "--without-mingle"])
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited:\n{self.output()}")
            replies = celery_app.control.ping(destination=[self.hostname], timeout=0.5)
            if replies:
                _worker_started(self, celery_app)
                return
        raise RuntimeError(f"worker did not answer a ping within {timeout}s:\n{self.output()}")


RUNNING_WORKERS: list["WorkerProcess"] = []


def _worker_started(worker: "WorkerProcess", celery_app) -> None:
    worker.celery_app = celery_app
    RUNNING_WORKERS.append(worker)


def settle_workers(timeout: float = 15) -> None:
    """Drop queued tasks and wait for running ones, so one test's task never lands in the next."""
    for worker in list(RUNNING_WORKERS):
        if worker.process is None or worker.process.poll() is not None:
            RUNNING_WORKERS.remove(worker)
            continue
        worker.wait_idle(timeout)
