"""Prometheus metrics: HTTP requests by route and status, Socket.IO connections, Celery outcomes.

Celery tasks run in other processes, so their outcomes are counted in a Redis hash by the
worker signals (app/platform/celery_setup.py) and read back by a collector when /metrics is scraped.
"""
from __future__ import annotations

import time

from flask import Flask, g, request
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from app.core.keys import key
from app.extensions import redis
from app.platform.breaker import STATE_VALUES, export_states

REGISTRY = CollectorRegistry(auto_describe=True)

HTTP_REQUESTS = Counter(
    "marquee_http_requests_total", "HTTP requests", ["method", "route", "status"], registry=REGISTRY
)
HTTP_LATENCY = Histogram(
    "marquee_http_request_duration_seconds", "HTTP request latency", ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10), registry=REGISTRY,
)
SOCKETIO_CONNECTIONS = Gauge(
    "marquee_socketio_connections", "Open Socket.IO connections in this process", registry=REGISTRY
)
SOCKETIO_EVENTS = Counter(
    "marquee_socketio_events_total", "Socket.IO events handled", ["event", "outcome"], registry=REGISTRY
)


def celery_outcomes_key() -> str:
    return key("metrics", "celery", "outcomes")


class CeleryOutcomeCollector:
    """Exports the task outcome counters that workers keep in Redis."""

    def __init__(self, redis_getter) -> None:
        self._redis_getter = redis_getter

    def collect(self):
        family = CounterMetricFamily("marquee_celery_tasks", "Celery task outcomes", labels=["task", "outcome"])
        try:
            counts = self._redis_getter().hgetall(celery_outcomes_key())
        except Exception:  # metrics must render even when Redis is down
            counts = {}
        for field, value in counts.items():
            task, _, outcome = field.rpartition("|")
            family.add_metric([task, outcome], float(value))
        yield family


class BreakerCollector:
    """Circuit-breaker states and transitions, read from Redis so every process's breakers show."""

    @staticmethod
    def _families():
        state = GaugeMetricFamily("marquee_circuit_breaker_state", "Breaker state (0 closed, 1 half-open, 2 open)",
                                  labels=["name"])
        moves = CounterMetricFamily("marquee_circuit_breaker_transitions", "Breaker state changes",
                                    labels=["name", "from_state", "to_state"])
        return state, moves

    def describe(self):
        return list(self._families())  # without this the registry would collect outside an app context

    def collect(self):
        try:
            breakers, transitions = export_states()
        except Exception:  # metrics must render even when Redis is down
            breakers, transitions = [], {}
        state, moves = self._families()
        for name, current in breakers:
            state.add_metric([name], float(STATE_VALUES.get(current, 0)))
        yield state
        for field, count in transitions.items():
            name, _, rest = field.partition("|")
            before, _, after = rest.partition("|")
            moves.add_metric([name, before, after], float(count))
        yield moves


def _route_label() -> str:
    rule = request.url_rule
    return rule.rule if rule is not None else "<unmatched>"


def init_metrics(app: Flask) -> None:
    @app.before_request
    def _start_timer():
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _observe(response):
        started = g.get("metrics_started")
        if started is not None and request.path != "/metrics":
            labels = (request.method, _route_label(), str(response.status_code))
            HTTP_REQUESTS.labels(*labels).inc()
            HTTP_LATENCY.labels(*labels).observe(time.perf_counter() - started)
        return response

    if not getattr(REGISTRY, "_marquee_celery", False):
        REGISTRY.register(CeleryOutcomeCollector(lambda: redis.client))
        REGISTRY._marquee_celery = True  # type: ignore[attr-defined]
    if not getattr(REGISTRY, "_marquee_breakers", False):
        REGISTRY.register(BreakerCollector())
        REGISTRY._marquee_breakers = True  # type: ignore[attr-defined]
