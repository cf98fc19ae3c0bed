"""Benchmark: probing 500 local proxies, and the cached embed route against a bare endpoint.

    .venv/bin/python bench/proxy_probe.py [--proxies 500] [--timeout 2] [--runs 5] [--requests 3000] [--rounds 3]
    .venv/bin/python bench/proxy_probe.py --smoke     # seconds: 10 proxies, one short HTTP round

Part 1 probes a pool of local proxies (alive, refusing, stalling past the timeout) through the
real service path (probe, then record each result in Redis) and reports the wall time as a
multiple of the probe timeout (limit 1x plus scheduling, goal <= 1.5x).
Part 2 serves the app with the production gunicorn settings (gevent WebSocket worker) and
measures requests/s and p99 of GET /api/v1/providers/<id>/<mediaId> (cached embed) against a
bare Flask endpoint served the same way, in the same run.
"""
from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
INTERNAL_KEY = "bench-internal-key-0123456789"

try:  # gunicorn imports this module for the baseline; keep that import cheap
    from flask import Flask, jsonify

    bare_app = Flask("bare")

    @bare_app.get("/bare")
    def bare():
        return jsonify({"success": True, "data": {"ok": True}})
except ImportError:  # pragma: no cover
    bare_app = None


# ---- fake proxies, in their own process so they do not share the prober's GIL ----------------

def _serve_fakes(alive_ports, stalling_ports, ready, stop):
    async def alive(reader, writer):
        try:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()

    held = []

    async def stalling(reader, writer):
        held.append(writer)  # accept and say nothing

    async def main():
        servers = [await asyncio.start_server(alive, "127.0.0.1", port, backlog=512) for port in alive_ports]
        servers += [await asyncio.start_server(stalling, "127.0.0.1", port, backlog=512) for port in stalling_ports]
        ready.set()
        while not stop.is_set():
            await asyncio.sleep(0.1)
        for server in servers:
            server.close()

    asyncio.run(main())


def _free_ports(count):
    import socket

    sockets, ports = [], []
    for _ in range(count):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sockets.append(sock)
        ports.append(sock.getsockname()[1])
    for sock in sockets:
        sock.close()
    return ports


def bench_probe(app, count, timeout, runs):
    from app.extensions import db, redis
    from app.proxies import pool, service
    from app.proxies.models import Proxy

    ports = _free_ports(count)
    n_alive, n_refusing = count * 3 // 5, count // 5
    alive, refusing, stalling = ports[:n_alive], ports[n_alive:n_alive + n_refusing], ports[n_alive + n_refusing:]
    ready, stop = multiprocessing.Event(), multiprocessing.Event()
    fakes = multiprocessing.Process(target=_serve_fakes, args=(alive, stalling, ready, stop), daemon=True)
    fakes.start()
    ready.wait(30)
    app.config.update(PROXY_PROBE_TIMEOUT=timeout, PROXY_PROBE_URL="http://probe.bench.test/generate_204")
    with app.app_context():
        db.session.query(Proxy).delete()
        db.session.add_all([Proxy(url=f"http://127.0.0.1:{port}", weight=1.0) for port in ports])
        db.session.commit()
        pool.forget_members()
        walls, summary = [], None
        for _ in range(runs):
            redis.flushdb()
            started = time.perf_counter()
            summary = service.probe()
            walls.append(time.perf_counter() - started)
        healthy = sum(p["status"] == "healthy" for p in service.list_proxies())  # last probe succeeded
    stop.set()
    fakes.join(5)
    median = statistics.median(walls)
    print(f"probe: {count} proxies ({len(alive)} alive, {len(refusing)} refusing, {len(stalling)} stalling), "
          f"timeout {timeout:g}s, {runs} runs")
    print(f"  wall time median {median:.3f}s = {median / timeout:.2f}x timeout "
          f"(min {min(walls) / timeout:.2f}x, max {max(walls) / timeout:.2f}x); healthy {healthy}/{count} "
          f"(expected {len(alive)}); last summary {summary}")
    return median / timeout


# ---- HTTP: cached embed route vs bare endpoint ---------------------------------------------

def _gunicorn(args, env, port):
    process = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", str(ROOT / "config/gunicorn.py"),
                                "--bind", f"127.0.0.1:{port}", *args], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    return process


def _wait(url, timeout=30):
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1, headers={"x-internal-key": INTERNAL_KEY})
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def _load(url, total, concurrency):
    import requests

    latencies, errors = [], []
    lock = threading.Lock()
    per_thread = total // concurrency

    def worker():
        session = requests.Session()
        mine = []
        for _ in range(per_thread):
            started = time.perf_counter()
            response = session.get(url, headers={"x-internal-key": INTERNAL_KEY})
            mine.append(time.perf_counter() - started)
            if response.status_code != 200:
                errors.append(response.status_code)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {"rps": len(latencies) / elapsed, "p50": latencies[len(latencies) // 2] * 1000,
            "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000, "errors": len(errors)}


def bench_http(env, total, concurrency, rounds=3):
    from config.redis_server import free_port

    app_port, bare_port = free_port(), free_port()
    app_server = _gunicorn(["wsgi:app"], env, app_port)
    bare_server = _gunicorn(["--pythonpath", str(ROOT / "bench"), "proxy_probe:bare_app"], env, bare_port)
    embed_url = f"http://127.0.0.1:{app_port}/api/v1/providers/vidsrc/550"
    bare_url = f"http://127.0.0.1:{bare_port}/bare"
    try:
        _wait(embed_url)
        _wait(bare_url)
        warmup = min(200, total)
        _load(embed_url, warmup, concurrency)  # warm-up; also fills the embed cache
        _load(bare_url, warmup, concurrency)
        results = {"embed": [], "bare": []}
        for _ in range(rounds):  # interleaved, so noise on the shared machine hits both
            results["embed"].append(_load(embed_url, total, concurrency))
            results["bare"].append(_load(bare_url, total, concurrency))
    finally:
        for process in (app_server, bare_server):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(10)
    summary = {}
    for name, runs in results.items():
        summary[name] = {k: statistics.median(r[k] for r in runs) for k in ("rps", "p50", "p99", "errors")}
    print(f"http: {rounds} rounds x {total} requests, {concurrency} client threads, gunicorn gevent worker x1")
    for name, label in (("bare", "bare endpoint"), ("embed", "cached embed route")):
        s = summary[name]
        print(f"  {label:20s} {s['rps']:8.0f} req/s  p50 {s['p50']:6.2f} ms  p99 {s['p99']:6.2f} ms  "
              f"errors {s['errors']:.0f}")
    print(f"  embed/bare: throughput {summary['embed']['rps'] / summary['bare']['rps']:.2f}x, "
          f"p99 {summary['embed']['p99'] / summary['bare']['p99']:.2f}x")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--proxies", type=int, default=500)
    parser.add_argument("--timeout", type=float, default=2.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved HTTP rounds per target")
    from common import parse_args  # here, not at the top: gunicorn imports this module for bare_app

    args = parse_args(parser, {"proxies": 10, "timeout": 0.5, "runs": 1, "requests": 100, "concurrency": 2,
                               "rounds": 1})

    from config.redis_server import start_redis

    redis_server = start_redis()
    workdir = tempfile.mkdtemp(prefix="marquee-bench-")
    env = {**os.environ, "APP_ENV": "development", "REDIS_URL": redis_server.url, "LOG_LEVEL": "WARNING",
           "DATABASE_URL": f"sqlite:///{workdir}/bench.db", "INTERNAL_API_KEY": INTERNAL_KEY,
           "STORAGE_DIR": workdir, "PROVIDER_BUILTIN_HEALTH_URL": "http://127.0.0.1:9/",
           "ALLOW_PRIVATE_TARGETS": "true"}
    os.environ.update(env)
    try:
        from flask_migrate import upgrade

        from app import create_app

        app = create_app("development")
        with app.app_context():
            upgrade()
        bench_probe(app, args.proxies, args.timeout, args.runs)
        bench_http(env, args.requests, args.concurrency, args.rounds)
    finally:
        redis_server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
