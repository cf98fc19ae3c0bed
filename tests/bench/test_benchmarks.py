"""Every benchmark under bench/ runs at its smallest size (``--smoke``) and prints its figures.

A smoke test, not a measurement: each benchmark runs as a user would run it
(``python bench/<name>.py --smoke`` from the repository root), starting its own Redis and SQLite
file on 127.0.0.1, and the test reads the lines a user would read. No timing is ever asserted
(CI must not fail on a slow machine); what fails is a benchmark that crashes, hangs, or no longer
prints its figures.

The benchmarks start their Redis with config/redis_server.py, which honours REDIS_SERVER_BIN, so
they are marked ``redis``: CI's second pass (``-m redis``, REDIS_SERVER_BIN=embedded) runs them
again on the embedded server.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
BENCH = ROOT / "bench"
TIMEOUT = 100  # seconds per benchmark; a smoke run takes 2-20 s on 2 shared cores

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.timeout(TIMEOUT + 40)]

# The suite's and a developer's settings that would point a benchmark at a shared database or
# Redis, or change what it runs on; the benchmarks set their own. REDIS_SERVER_BIN is kept.
_NOT_INHERITED = ("APP_ENV", "FLASK_CONFIG", "DATABASE_URL", "REDIS_URL", "TEST_DATABASE_URL", "TEST_REDIS_URL",
                  "STORAGE_DIR", "SECRET_KEY", "INTERNAL_API_KEY", "AUTH_PROVIDER", "BENCH_SQLITE_PATH",
                  "BENCH_REUSE", "BENCH_DATABASE_URL", "BENCH_PROGRESS_DATABASE_URL")

NUM = r"[\d.]+"

# name -> lines of its output (regular expressions, each must match a whole line) a user reads
FIGURES: dict[str, list[str]] = {
    "http_overhead": [
        r"load generator: .+; 4 connections; 1 x 1s rounds per target, best round shown; \d+ CPUs",
        r"target\s+req/s\s+p50 ms\s+p99 ms\s+non-2xx",
        rf"bare Flask  GET /ping\s+\d+\s+{NUM}\s+{NUM}\s+\d+\s*",
        rf"full stack  GET /api/v1/auth/me\s+\d+\s+{NUM}\s+{NUM}\s+\d+\s*",
        rf"ratio full/bare throughput: {NUM} \(goal >= 0\.60\); full-stack p99 {NUM} ms \(goal < 25 ms\)",
    ],
    "catalog": [
        r"SQLite: 1000 items loaded in [\d.]+ s; search word '\w+' matches [1-9]\d*",
        r"query\s+API p50\s+API p99\s+raw p50\s+raw p99\s+ratio p50\s+cold \(uncached count\)",
        *(rf"{query}\s+{NUM}ms\s+{NUM}ms\s+{NUM}ms\s+{NUM}ms\s+{NUM}x\s+{NUM}ms" for query in ("list", "search")),
    ],
    "progress": [
        r"progress benchmark \(sqlite, one gunicorn\+gevent web process, 20 viewers, 1x2 connections, "
        r"flush every 1 s\)",
        rf"  session starts:\s+20 in {NUM} s \(\d+/s\)",
        rf"  reports accepted:\s+[1-9]\d* in {NUM} s = \d+ reports/s \(\d+ errors\)",
        rf"  flushes:\s+\d+; sessions written per flush: \[[\d, ]+\]; flush time max {NUM} s",
        r"  database writes:\s+[1-9]\d* = \d+ writes/s \(one session row \+ its history row per write\)",
        rf"  reports : writes\s+{NUM} : 1; most writes per dirty session in one flush: \d+",
    ],
    "proxy_probe": [
        r"probe: 10 proxies \(6 alive, 2 refusing, 2 stalling\), timeout 0\.5s, 1 runs",
        rf"  wall time median {NUM}s = {NUM}x timeout \(min {NUM}x, max {NUM}x\); healthy \d+/10 \(expected 6\); "
        r"last summary \{.*\}",
        r"http: 1 rounds x 100 requests, 2 client threads, gunicorn gevent worker x1",
        # errors are non-200 answers, not timings: a broken route or baseline fails here
        rf"  bare endpoint\s+\d+ req/s\s+p50\s+{NUM} ms\s+p99\s+{NUM} ms\s+errors 0",
        rf"  cached embed route\s+\d+ req/s\s+p50\s+{NUM} ms\s+p99\s+{NUM} ms\s+errors 0",
        rf"  embed/bare: throughput {NUM}x, p99 {NUM}x",
    ],
    "rooms_fanout": [
        r"Marquee \(gunicorn \+ gevent-websocket, 1 process\), 20 clients",
        r"Node socket\.io 4 reference, 20 clients",
        r"\s*offered/s\s+achieved/s\s+deliveries\s+p50 ms\s+p99 ms",
        # one row per server; at least one delivery each (0 means the room events are broken)
        rf"\s+20\s+{NUM}\s+[1-9]\d*/\d+\s+{NUM}\s+{NUM}",
        rf"at 20 actions/s: p50 {NUM} ms, p99 {NUM} ms \(goal p99 <= 50 ms\)",
        r"sustained actions/s with p99 <= 100 ms: Marquee \d+, Node \d+, ratio ([\d.]+|nan) \(goal >= 0\.5\)",
    ],
    "rooms_cpu": [
        r"\{.*\}",  # the load generator's step, checked below
        rf"worker CPU {NUM} cores, {NUM} ms per action",
    ],
    "rooms_sync": [
        r"10 players, one-way delays 0-150 ms \+ 0-20 ms jitter each way, clock skew up to \+-3 s, 1 trials, "
        r"2 time_sync samples per player",
        r"measure\s+median ms\s+max ms",
        *(rf"{label}\s+{NUM}\s+{NUM}" for label in ("spread 1 s after play", "spread 1 s after seek",
                                                     "naive: after play", "naive: after seek",
                                                     "worst clock-offset error")),
        rf"goal: spread <= 100 ms  \(p99 of all trials' spreads: {NUM} ms\)",
    ],
    "torrent_stream": [
        r"torrent stream: 8 MiB MP4 \(moov at the end\), 256 KiB pieces, one seeder on 127\.0\.0\.1 capped at 4 MB/s; "
        r"1 trials per client, medians; libtorrent [\d.]+",
        r"client\s+TTFB s\s+index s\s+seek s\s+bytes read\s+unverified",
        # every byte Marquee served was the source's (a zero of a missing piece would count here)
        rf"Marquee \(web, worker, streamer\)\s+{NUM}\s+{NUM}\s+{NUM}\s+[1-9]\d*\s+0",
        rf"(peerflix [\d.]+\s+{NUM}\s+{NUM}\s+{NUM}\s+[1-9]\d*\s+0|peerflix: n/a \(.+\)\s+n/a\s+n/a\s+n/a\s+0\s+0)",
        rf"bare libtorrent \(bound\)\s+{NUM}\s+{NUM}\s+{NUM}\s+[1-9]\d*\s+0",
        rf"Marquee TTFB phases, median s: request -> task -?{NUM}, task -> metadata -?{NUM}, metadata -> streamer -?{NUM}, "
        rf"streamer -> first verified piece -?{NUM}, first piece -> first byte out -?{NUM}",
        rf"TTFB Marquee/peerflix ({NUM}x|n/a) \(goal <= 1\), Marquee/bare {NUM}x; peerflix's includes node start-up "
        rf"({NUM}|nan) s",
        rf"seek Marquee/peerflix ({NUM}x|n/a) \(goal <= 1\), Marquee/bare {NUM}x; Marquee seek {NUM} s \(goal < 1 s\)",
        rf"index \(moov at the end, after the head\) Marquee/peerflix ({NUM}x|n/a), Marquee/bare {NUM}x",
        rf"physical bound: one piece at the cap {NUM} s; unverified bytes Marquee served: 0 \(goal 0\)",
    ],
    "recs": [
        r"recommendations benchmark; \d+ CPUs; load average [\d.]+",
        r"quality \(\d+ s with tuning\)",
        r"model\s+NDCG@10\s+Recall@20\s+fit s\s+/ItemKNN\s+/EASE\s+params",
        *(rf"{model}\s+{NUM}\s+{NUM}\s+{NUM}\s+{NUM}x\s+{NUM}x\s+.*" for model in (
            "popularity", "itemknn-cosine", "itemknn-bm25", "ease", "als")),
        rf"edlae-recency\s+{NUM}\s+{NUM}\s+{NUM}\s+{NUM}x\s+{NUM}x\s+.* \(chosen\)",
        rf"quality goals: edlae-recency NDCG@10 {NUM} = {NUM}x the better ItemKNN \(goal >= 1\.20\), {NUM}x plain "
        r"EASE \(goal >= 1\.05\)",
        r"training at scale: synthetic 500 users, 200 titles, 10000 interactions; each model in a fresh process; "
        r"OPENBLAS_NUM_THREADS=1",
        r"model\s+fit s\s+rank all s\s+peak RSS MiB\s+fit\+rank MiB",
        *(rf"{model}\s+{NUM}\s+{NUM}\s+\d+\s+-?\d+" for model in ("ease", "edlae-recency", "als")),
        r"serving: one gunicorn\+gevent web process, SQLite, 200,100,4000 data, trained; .+, 4 connections, "
        r"1 x 1 s alternating rounds, medians",
        *(rf"GET {path}\s+\d+\s+{NUM}\s+{NUM}\s+0" for path in (
            "/api/v1/recommendations/personalized", r"/api/v1/content\?perPage=20")),
        rf"serving goals: personalized/catalog page throughput {NUM}x \(goal >= 0\.90\); p99 {NUM} ms vs {NUM} ms "
        r"\(goal: no worse\)",
    ],
    "transcode": [
        r"clip: 13 s 320x180 30 fps testsrc2 \+ sine \(x264 veryfast, aac\); ladder 180:300k,120:150k, "
        r"preset ultrafast; 1 rounds, medians; ffmpeg \S+, default threads; \d+ CPUs",
        *(rf"{label}\s+{NUM}s\s+median\s+{NUM}s" for label in (
            r"decode only \(-f null\)", r"one pass \(2 rungs\)", r"separate runs \(sum of 2\)",
            r"worker job \(run_job\)")),
        rf"one pass vs separate runs: {NUM}x \(goal >= 1\.25x; bound from saved decodes ({NUM}x|inf)\)",
        rf"worker job vs bare ffmpeg: [+-]{NUM}% \(goal <= \+5%\)",
        rf"in CPU time: one pass vs separate runs {NUM}x \(bound ({NUM}x|inf)\); worker job vs bare ffmpeg "
        rf"[+-]{NUM}%, of which outside ffmpeg -?{NUM} s",
        rf"first playable / full ladder: {NUM}x \(goal <= 0\.25x; chunked path, \d+ chunks of {NUM} s, one worker: "
        rf"playable after {NUM} s, whole ladder after {NUM} s\)",
        rf"realtime factor \(one pass\): {NUM}x \({NUM} s of video in {NUM} s\)",
    ],
}

NEEDS_NODE = {"rooms_fanout", "rooms_cpu"}  # the load generator (and the reference server) are Node


def benchmark_scripts() -> set[str]:
    """The runnable benchmarks: bench/*.py but the shared modules and the bare baseline app."""
    return {path.stem for path in BENCH.glob("*.py")
            if not path.stem.startswith("_") and path.stem not in ("common", "bare_app")}


def run_benchmark(name: str, *args: str) -> tuple[int, str, str]:
    """Run bench/<name>.py from the repository root; on timeout interrupt it so it stops what it started."""
    env = {key: value for key, value in os.environ.items() if key not in _NOT_INHERITED}
    process = subprocess.Popen([sys.executable, str(BENCH / f"{name}.py"), *args], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGINT)  # KeyboardInterrupt: its finally blocks stop servers and Redis
        try:
            stdout, stderr = process.communicate(timeout=25)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            stdout, stderr = process.communicate()
        pytest.fail(f"bench/{name}.py --smoke did not finish within {TIMEOUT}s\n"
                    f"stdout:\n{stdout[-3000:]}\nstderr:\n{stderr[-3000:]}")
    return process.returncode, stdout, stderr


def test_every_benchmark_has_a_smoke_run():
    assert benchmark_scripts() == set(FIGURES), "a benchmark under bench/ without its smoke run here (or the reverse)"


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_benchmark_runs_at_its_smallest_size_and_prints_its_figures(name):
    if name in NEEDS_NODE and not (shutil.which("node") and shutil.which("npm")):
        pytest.skip(f"bench/{name}.py needs node and npm (its load generator is bench/node/loadgen.mjs)")
    returncode, stdout, stderr = run_benchmark(name, "--smoke")
    if name in NEEDS_NODE and returncode != 0 and "npm ci could not install" in stderr:
        pytest.skip(f"bench/{name}.py: npm ci could not install bench/node's packages (offline, no npm cache)")
    shown = f"stdout:\n{stdout[-4000:]}\nstderr:\n{stderr[-4000:]}"
    assert returncode == 0, f"bench/{name}.py --smoke exited {returncode}\n{shown}"
    lines = stdout.splitlines()
    missing = [pattern for pattern in FIGURES[name] if not any(re.fullmatch(pattern, line) for line in lines)]
    assert not missing, f"bench/{name}.py --smoke did not print these figures: {missing}\n{shown}"
    if name == "rooms_fanout":  # a rate row for each server
        rows = [line for line in lines if re.fullmatch(FIGURES[name][3], line)]
        assert len(rows) == 2, shown
    if name == "rooms_cpu":
        step = json.loads(next(line for line in lines if line.startswith("{")))
        assert step["rate"] == 20 and step["sent"] > 0 and step["delivered"] > 0, shown
