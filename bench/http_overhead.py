"""HTTP overhead: an authenticated GET through the whole stack against a bare Flask endpoint.

    .venv/bin/python bench/http_overhead.py [--duration 10] [--rounds 2] [--connections 64] [--warmup 3]
    .venv/bin/python bench/http_overhead.py --smoke     # a few seconds: that it runs, not a measurement

Starts a private Redis, migrates a temporary SQLite database, creates a user, then serves
``wsgi:app`` (production settings: JSON request logs, limiter on Redis, metrics) and
``bench/bare_app.py`` with the same gunicorn/gevent settings, and loads each in turn with
64 keep-alive connections on loopback: ``GET /api/v1/auth/me`` with a bearer token against
``GET /ping``. The budgets (per address and per user) are raised so the load is not answered 429; both are
still counted, in one Redis call.

The load generator is ``wrk`` when installed (C, one thread, so it leaves the server its core),
otherwise an asyncio client in this file. Figures: requests/s, p50 and p99 per target, the best
of ``--rounds`` alternating rounds, and the throughput ratio.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import parse_args  # noqa: E402
from config.redis_server import free_port, start_redis  # noqa: E402

BIN = Path(sys.executable).parent


def prepare(env: dict) -> str:
    """Migrate the database and return a bearer token for a fresh user."""
    os.environ.update(env)
    from flask_migrate import upgrade

    from app import create_app
    from app.auth.service import access_token_for, create_user

    app = create_app("production")
    with app.app_context():
        upgrade()
        user = create_user("bench@example.test", "bench-password-1", "Bench")
        return access_token_for(user)


def serve(module: str, env: dict, log_path: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    log = open(log_path, "wb")
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "config/gunicorn.py", "--bind", f"127.0.0.1:{port}", module],
        cwd=ROOT, env={**os.environ, **env, "PORT": str(port)}, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{module} exited:\n{log_path.read_text(errors='replace')[-3000:]}")
        try:
            requests.get(url + "/", timeout=1, headers={"Connection": "close"})
            return process, url
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"{module} did not start")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# ---- load generators ------------------------------------------------------------------------

_UNIT = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNIT[unit]


def run_wrk(url: str, headers: dict, duration: float, connections: int) -> dict:
    args = ["wrk", "-t1", f"-c{connections}", f"-d{int(duration)}s", "--latency", "--timeout", "5s"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run(args + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {"rps": rps, "p50": p50, "p99": p99, "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "errors": errors.group(0) if errors else ""}


async def _client(host: str, port: int, raw: bytes, stop_at: float, latencies: list, failures: list) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            writer.write(raw)
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(re.search(rb"(?i)content-length:\s*(\d+)", head).group(1))
            await reader.readexactly(length)
            latencies.append((time.perf_counter() - started) * 1000)
            if not head.startswith(b"HTTP/1.1 2"):
                failures.append(head.split(b"\r\n", 1)[0])
    finally:
        writer.close()


def run_python(url: str, headers: dict, duration: float, connections: int) -> dict:
    """A keep-alive asyncio client: slower than wrk, so it competes more with the server for CPU."""
    match = re.fullmatch(r"http://([^:/]+):(\d+)(/.*)", url)
    host, port, path = match.group(1), int(match.group(2)), match.group(3)
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}"] + [f"{k}: {v}" for k, v in headers.items()]
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode()
    latencies: list[float] = []
    failures: list[bytes] = []

    async def main():
        stop_at = time.perf_counter() + duration
        await asyncio.gather(*(_client(host, port, raw, stop_at, latencies, failures) for _ in range(connections)))

    started = time.perf_counter()
    asyncio.run(main())
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {"rps": len(ordered) / elapsed, "p50": statistics.median(ordered),
            "p99": ordered[int(len(ordered) * 0.99) - 1], "non2xx": len(failures), "errors": ""}


# ---- the run --------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measured round and target")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of unmeasured load per target first")
    args = parse_args(parser, {"duration": 1.0, "rounds": 1, "connections": 4, "warmup": 1.0})

    generator = ("wrk", run_wrk) if shutil.which("wrk") else ("python asyncio client", run_python)
    workdir = Path(tempfile.mkdtemp(prefix="marquee-bench-"))
    redis = start_redis()
    processes = []
    try:
        env = {
            "APP_ENV": "production", "SECRET_KEY": secrets.token_hex(32), "INTERNAL_API_KEY": secrets.token_hex(16),
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}", "REDIS_URL": redis.url,
            "RATE_LIMIT_DEFAULT": "100000000 per minute", "RATE_LIMIT_PER_USER": "100000000 per hour",
            "ACCESS_TOKEN_TTL": "3600", "LOG_LEVEL": "INFO",
            "STORAGE_DIR": str(workdir / "storage"), "PASSWORD_MIN_LENGTH": "8",
            # nothing is in flight when we stop; without it wsgi:app took the whole 15 s wait to stop
            "GRACEFUL_TIMEOUT": "3",
        }
        token = prepare(env)
        full, full_url = serve("wsgi:app", env, workdir / "full.log")
        processes.append(full)
        bare, bare_url = serve("bench.bare_app:app", env, workdir / "bare.log")
        processes.append(bare)
        targets = {
            "bare Flask  GET /ping": (bare_url + "/ping", {}),
            "full stack  GET /api/v1/auth/me": (full_url + "/api/v1/auth/me", {"Authorization": f"Bearer {token}"}),
        }
        check = requests.get(targets["full stack  GET /api/v1/auth/me"][0],
                             headers=targets["full stack  GET /api/v1/auth/me"][1], timeout=5)
        assert check.status_code == 200, check.text
        _, load = generator
        for url, headers in targets.values():  # warm-up: imports, connection pools, JIT-free caches
            load(url, headers, args.warmup, args.connections)
        results: dict[str, list[dict]] = {name: [] for name in targets}
        for _ in range(args.rounds):
            for name, (url, headers) in targets.items():
                results[name].append(load(url, headers, args.duration, args.connections))
        best = {name: max(runs, key=lambda r: r["rps"]) for name, runs in results.items()}
        print(f"load generator: {generator[0]}; {args.connections} connections; "
              f"{args.rounds} x {args.duration:.0f}s rounds per target, best round shown; {os.cpu_count()} CPUs")
        print(f"{'target':34} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
        for name, r in best.items():
            print(f"{name:34} {r['rps']:9.0f} {r['p50']:8.2f} {r['p99']:8.2f} {r['non2xx']:8d} {r['errors']}")
        bare_r, full_r = best["bare Flask  GET /ping"], best["full stack  GET /api/v1/auth/me"]
        ratio = full_r["rps"] / bare_r["rps"]
        print(f"ratio full/bare throughput: {ratio:.2f} (goal >= 0.60); full-stack p99 {full_r['p99']:.1f} ms "
              f"(goal < 25 ms)")
        return 0
    finally:
        for process in processes:
            stop(process)
        redis.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
