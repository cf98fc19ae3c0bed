"""GET /monitoring/metrics: the detailed figures of seed 003, as JSON for people and scripts.

/metrics is the Prometheus text a scraper reads; this is the same ground seen at once: this web
process (memory, CPU, traffic by status class and route), Socket.IO, Celery outcomes and queue
depths, Redis and the database pool, breakers, and the health of each dependency. Each part is
read on its own, so one that fails reports its error instead of blanking the rest.
"""
from __future__ import annotations

import os
import resource
import threading
import time
from collections import Counter

from flask import current_app

from app.platform import breaker
from app.platform.metrics import HTTP_REQUESTS, SOCKETIO_CONNECTIONS, SOCKETIO_EVENTS, celery_outcomes_key
from app.extensions import db, redis
from app.ops.overview import queue_depths, safely, traffic
from app.ops.health import health_report

TOP_ROUTES = 10


def _process() -> dict:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    try:
        with open("/proc/self/statm") as statm:  # current resident set; ru_maxrss is only the peak
            rss = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        rss = None
    try:
        open_files = len(os.listdir("/proc/self/fd"))
    except OSError:
        open_files = None
    return {"pid": os.getpid(), "rssBytes": rss, "maxRssBytes": usage.ru_maxrss * 1024,
            "cpuUserSeconds": round(usage.ru_utime, 3), "cpuSystemSeconds": round(usage.ru_stime, 3),
            "threads": threading.active_count(), "openFiles": open_files}


def _http() -> dict:
    by_class: Counter = Counter()
    by_route: Counter = Counter()
    for metric in HTTP_REQUESTS.collect():
        for sample in metric.samples:
            if sample.name.endswith("_total"):
                by_class[sample.labels["status"][:1] + "xx"] += sample.value
                by_route[f"{sample.labels['method']} {sample.labels['route']}"] += sample.value
    top = [{"route": route, "requests": int(count)} for route, count in by_route.most_common(TOP_ROUTES)]
    return {**traffic(), "byStatusClass": {name: int(count) for name, count in sorted(by_class.items())},
            "topRoutes": top}


def _socketio() -> dict:
    outcomes: Counter = Counter()
    for metric in SOCKETIO_EVENTS.collect():
        for sample in metric.samples:
            if sample.name.endswith("_total"):
                outcomes["ok" if sample.labels["outcome"] == "ok" else "failed"] += sample.value
    [gauge] = SOCKETIO_CONNECTIONS.collect()
    return {"connections": int(gauge.samples[0].value),
            "events": {"ok": int(outcomes["ok"]), "failed": int(outcomes["failed"])}}


def _celery() -> dict:
    tasks: dict[str, dict[str, int]] = {}
    for field, value in redis.hgetall(celery_outcomes_key()).items():
        task, _, outcome = field.rpartition("|")
        tasks.setdefault(task, {})[outcome] = int(value)
    return {"tasks": tasks, "queues": queue_depths()}


def _redis() -> dict:
    info = redis.info()
    hits, misses = info.get("keyspace_hits", 0), info.get("keyspace_misses", 0)
    return {"version": info.get("redis_version"), "usedMemoryBytes": info.get("used_memory"),
            "connectedClients": info.get("connected_clients"),
            "opsPerSecond": info.get("instantaneous_ops_per_sec"),
            "hitRate": round(hits / (hits + misses), 4) if hits + misses else None,
            "uptimeSeconds": info.get("uptime_in_seconds")}


def _database() -> dict:
    pool = db.engine.pool
    figures = {"backend": db.engine.dialect.name, "pool": type(pool).__name__}
    for name in ("size", "checkedout", "overflow"):
        reading = getattr(pool, name, None)
        if callable(reading):
            figures[{"checkedout": "checkedOut"}.get(name, name)] = reading()
    return figures


def _breakers() -> dict:
    states = Counter(entry["state"] for entry in breaker.list_breakers())
    return {"closed": states["closed"], "halfOpen": states["half_open"], "open": states["open"]}


def detailed_metrics() -> dict:
    config = current_app.config
    return {
        "service": {"version": config["APP_VERSION"], "environment": config["ENV_NAME"],
                    "uptimeSeconds": round(time.time() - config["STARTED_AT"], 1)},
        "process": safely(_process, None),
        "http": safely(_http, None),
        "socketio": safely(_socketio, None),
        "celery": safely(_celery, None),
        "redis": safely(_redis, None),
        "database": safely(_database, None),
        "breakers": safely(_breakers, None),
        "health": safely(health_report, None),
    }
