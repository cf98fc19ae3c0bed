"""Health of the service and its dependencies."""
from __future__ import annotations

import time

from flask import current_app
from sqlalchemy import text

from app.core.health import STORAGE_CHECK, CheckResult, check_storage_dir, run_checks
from app.core.redis_version import check_server, describe
from app.errors import NotFoundError
from app.extensions import db, redis

CRITICAL = ("database", "redis")  # without these the API cannot serve; the rest degrade it


def _check_database() -> dict:
    try:
        db.session.execute(text("SELECT 1"))
    finally:
        db.session.remove()  # the check runs in a pool thread: give its connection back
    return {"backend": db.engine.dialect.name}


def _check_redis() -> dict:
    info = check_server(redis.client, redis.url)  # too old a server is as down as a missing one
    return {"server": describe(info)}


def _check_celery() -> dict:
    celery = current_app.extensions["celery"]
    timeout = current_app.config["HEALTH_CHECK_TIMEOUT"]
    # limit=1: return on the first reply instead of waiting out the timeout for more workers
    replies = celery.control.ping(timeout=max(0.2, timeout * 0.8), limit=1)
    if not replies:
        raise RuntimeError("no worker answered the ping")
    return {"workers": len(replies)}


def _check_storage() -> dict:
    """The store the media domain set up (local directory or S3), else the storage directory."""
    check = current_app.extensions.get(STORAGE_CHECK)
    return check() if check is not None else check_storage_dir(current_app.config["STORAGE_DIR"])


def _with_context(fn):
    app = current_app._get_current_object()

    def run():
        with app.app_context():
            return fn()

    return run


CHECKS = {"database": _check_database, "redis": _check_redis, "celery": _check_celery, "storage": _check_storage}


def overall_status(results: dict[str, CheckResult]) -> str:
    if any(results[name].status != "ok" for name in CRITICAL if name in results):
        return "down"
    if any(result.status != "ok" for result in results.values()):
        return "degraded"
    return "ok"


def health_report(names: list[str] | None = None) -> dict:
    """``{status, checks, version, uptimeSeconds}`` for all checks, or only ``names``."""
    selected = names or list(CHECKS)
    unknown = [name for name in selected if name not in CHECKS]
    if unknown:
        raise NotFoundError(f"Unknown health check {unknown[0]!r}", details={"known": sorted(CHECKS)})
    timeout = current_app.config["HEALTH_CHECK_TIMEOUT"]
    results = run_checks({name: _with_context(CHECKS[name]) for name in selected}, timeout)
    return {
        "status": overall_status(results),
        "checks": {name: result.as_dict() for name, result in results.items()},
        "version": current_app.config["APP_VERSION"],
        "uptimeSeconds": round(time.time() - current_app.config["STARTED_AT"], 1),
    }

