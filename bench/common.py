"""Shared set-up for benchmarks: a private Redis, an app on a chosen database, percentiles,
the ``--smoke`` option."""
from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args(parser: argparse.ArgumentParser, smoke: dict, argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line, with ``--smoke``: the smallest run that still prints every figure.

    ``smoke`` holds the sizes --smoke uses instead of the defaults; options given explicitly still
    win. The test suite runs each benchmark this way (tests/bench), so none breaks unseen; the
    figures of a smoke run are not measurements.
    """
    sizes = ", ".join(f"--{name.replace('_', '-')} {value}" for name, value in smoke.items())
    parser.add_argument("--smoke", action="store_true", help=f"smallest run, seconds not minutes ({sizes})")
    if "--smoke" in (sys.argv[1:] if argv is None else argv):
        parser.set_defaults(**smoke)
    return parser.parse_args(argv)


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(samples_ms: list[float]) -> dict:
    return {"p50": statistics.median(samples_ms), "p99": percentile(samples_ms, 99), "n": len(samples_ms)}


def recreate_postgres(url: str) -> None:
    """Drop and create the benchmark's own database (never the test or CI databases)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    if name in ("test", "postgres", "marquee"):
        raise SystemExit(f"refusing to benchmark in the database {name!r}")
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def make_app(database_url: str, redis_url: str, **env):
    os.environ.update({"DATABASE_URL": database_url, "REDIS_URL": redis_url, "RATE_LIMIT_ENABLED": "false",
                       "LOG_LEVEL": "WARNING", "APP_ENV": "development", **env})
    from app import create_app

    return create_app("development")


def migrate(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
