"""Progress-report benchmark: 2,000 simulated viewers reporting to one real web process
(gunicorn + gevent, as the Procfile runs it), the flush writing to the database every
PLAYBACK_FLUSH_INTERVAL seconds as the worker does. Prints sustained reports/s, database
writes/s and the reports-to-writes ratio.

    .venv/bin/python bench/progress.py [--viewers 2000] [--seconds 40] [--clients 2] [--threads 16]
                                       [--flush-interval 10] [--database sqlite|postgres]
    .venv/bin/python bench/progress.py --smoke     # seconds: 20 viewers for 2 s, a flush every second
"""
from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import shutil
import tempfile
import threading
import time

from common import ROOT, make_app, migrate, parse_args, recreate_postgres


def seed(app, viewers: int) -> tuple[list[str], list[int]]:
    """Viewers inserted directly (hashing 2,000 passwords would dominate), tokens minted, titles created."""
    from sqlalchemy import insert, select

    from app.auth import service as auth_service
    from app.auth.models import User
    from app.catalog import service as catalog
    from app.extensions import db

    with app.app_context():
        db.session.execute(insert(User), [{
            "uid": f"bench:{n}", "email": f"viewer{n}@bench.test", "password_hash": None,
            "display_name": f"Viewer {n}", "role": "user", "subscription_tier": "family", "preferences": {},
            "auth_provider": "local", "is_active": True} for n in range(viewers)])
        db.session.commit()
        tokens = [auth_service.access_token_for(user) for user in db.session.scalars(select(User).order_by(User.id))]
        titles = [catalog.create_content({
            "kind": "movie", "title": f"Bench Film {n}", "maturity_rating": "PG", "runtime_minutes": 120,
            "tmdb_id": 1000 + n, "status": "published", "tier_required": "free"})["id"] for n in range(50)]
    return tokens, titles


def _request(conn, method: str, path: str, token: str, body: dict) -> tuple[int, dict]:
    conn.request(method, path, body=json.dumps(body),
                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    response = conn.getresponse()
    return response.status, json.loads(response.read() or b"{}")


def start_sessions(port: int, tokens: list[str], titles: list[int]) -> list[tuple[str, str]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    sessions = []
    for index, token in enumerate(tokens):
        status, body = _request(conn, "POST", "/api/v1/streaming/session", token,
                                {"contentId": titles[index % len(titles)], "device": "bench"})
        assert status == 201, body
        sessions.append((token, body["data"]["sessionId"]))
    conn.close()
    return sessions


def client_process(port: int, sessions: list[tuple[str, str]], threads: int, seconds: float, queue) -> None:
    """Each thread cycles through its viewers, each report moving that viewer forward."""
    deadline = time.monotonic() + seconds
    counts = [0] * threads
    errors = [0] * threads

    def work(slot: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = sessions[slot::threads]
        position = {sid: 600.0 for _, sid in mine}
        while time.monotonic() < deadline:
            for token, sid in mine:
                position[sid] += 5
                status, _ = _request(conn, "PUT", f"/api/v1/streaming/session/{sid}", token,
                                     {"position": position[sid], "state": "playing",
                                      "timestamp": int(time.time() * 1000)})
                if status == 200:
                    counts[slot] += 1
                else:
                    errors[slot] += 1
                if time.monotonic() >= deadline:
                    break
        conn.close()

    workers = [threading.Thread(target=work, args=(slot,)) for slot in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    queue.put((sum(counts), sum(errors)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--viewers", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--clients", type=int, default=2, help="load-generator processes")
    parser.add_argument("--threads", type=int, default=16, help="connections per load-generator process")
    parser.add_argument("--flush-interval", type=float, default=10.0)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    args = parse_args(parser, {"viewers": 20, "seconds": 2.0, "clients": 1, "threads": 2, "flush_interval": 1.0})

    from config.redis_server import start_redis
    from tests.support.processes import ServerProcess

    redis_server = start_redis()
    directory = tempfile.mkdtemp(prefix="marquee-bench-progress-")
    if args.database == "postgres":
        database_url = os.environ.get("BENCH_PROGRESS_DATABASE_URL",
                                      "postgresql://postgres@127.0.0.1:5432/bench_progress")
        recreate_postgres(database_url)
    else:
        database_url = f"sqlite:///{directory}/bench.db"
    env = {"DATABASE_URL": database_url, "REDIS_URL": redis_server.url, "RATE_LIMIT_ENABLED": "false",
           "LOG_LEVEL": "WARNING", "APP_ENV": "development", "SECRET_KEY": "bench-secret-" + "x" * 32,
           "PLAYBACK_FLUSH_INTERVAL": str(args.flush_interval)}
    app = make_app(database_url, redis_server.url, **env)
    migrate(app)
    tokens, titles = seed(app, args.viewers)
    server = ServerProcess(env)
    server.start()
    try:
        started = time.perf_counter()
        sessions = start_sessions(server.port, tokens, titles)
        start_s = time.perf_counter() - started

        from app.playback import service as playback

        flushes: list[dict] = []
        stop = threading.Event()

        def flusher() -> None:
            while not stop.wait(args.flush_interval):
                with app.app_context():
                    began = time.perf_counter()
                    result = playback.flush_progress()
                    result["seconds"] = time.perf_counter() - began
                    flushes.append(result)

        with app.app_context():
            playback.flush_progress()  # session starts are not reports; start from a clean buffer
        flush_thread = threading.Thread(target=flusher, daemon=True)
        flush_thread.start()
        queue = multiprocessing.Queue()
        share = [sessions[i::args.clients] for i in range(args.clients)]
        procs = [multiprocessing.Process(target=client_process,
                                         args=(server.port, part, args.threads, args.seconds, queue))
                 for part in share]
        load_started = time.perf_counter()
        for proc in procs:
            proc.start()
        results = [queue.get() for _ in procs]
        for proc in procs:
            proc.join()
        elapsed = time.perf_counter() - load_started
        stop.set()
        flush_thread.join()
        with app.app_context():
            began = time.perf_counter()
            final = playback.flush_progress()
            final["seconds"] = time.perf_counter() - began
            flushes.append(final)
    finally:
        server.stop()
        redis_server.stop()
        shutil.rmtree(directory, ignore_errors=True)

    reports = sum(r[0] for r in results)
    errors = sum(r[1] for r in results)
    writes = sum(f["written"] for f in flushes)
    worst = max(f["written"] / max(1, f["sessions"]) for f in flushes)
    print(f"\nprogress benchmark ({args.database}, one gunicorn+gevent web process, {args.viewers} viewers, "
          f"{args.clients}x{args.threads} connections, flush every {args.flush_interval:g} s)")
    print(f"  session starts:     {len(sessions)} in {start_s:.1f} s ({len(sessions) / start_s:.0f}/s)")
    print(f"  reports accepted:   {reports} in {elapsed:.1f} s = {reports / elapsed:.0f} reports/s ({errors} errors)")
    print(f"  flushes:            {len(flushes)}; sessions written per flush: "
          f"{[f['written'] for f in flushes]}; flush time max {max(f['seconds'] for f in flushes):.2f} s")
    print(f"  database writes:    {writes} = {writes / elapsed:.0f} writes/s "
          f"(one session row + its history row per write)")
    print(f"  reports : writes    {reports / max(1, writes):.1f} : 1; "
          f"most writes per dirty session in one flush: {worst:.0f}")


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
