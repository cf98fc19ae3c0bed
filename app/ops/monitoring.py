"""/api/v1/monitoring: circuit breakers, the dashboard's data and the detailed metrics (admin or
service); the metrics also answer at /monitoring/metrics, beside the dashboard page (seed 003)."""
from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from app.core.envelope import envelope, ok
from app.core.identity import roles_required
from app.ops import service

monitoring_blp = Blueprint("monitoring", __name__, description="Circuit breakers and the operations overview")
monitoring_legacy_blp = Blueprint("monitoring_legacy", __name__,
                                  description="Detailed metrics at the original /monitoring path")


class BreakerSchema(ma.Schema):
    name = ma.fields.String(required=True, metadata={"example": "host:vidsrc.to"})
    state = ma.fields.String(required=True, metadata={"enum": ["closed", "open", "half_open"]})
    failures = ma.fields.Integer(required=True)
    forced = ma.fields.Boolean(required=True, metadata={"description": "opened by an operator"})
    openedAt = ma.fields.Integer(allow_none=True)
    lastFailureAt = ma.fields.Integer(allow_none=True)
    retryAfterSeconds = ma.fields.Float(allow_none=True)
    failureThreshold = ma.fields.Integer(required=True)
    openSeconds = ma.fields.Float(required=True)
    resetSeconds = ma.fields.Float(required=True)


@monitoring_blp.route("/circuit-breakers")
class Breakers(MethodView):
    @roles_required("admin", "service")
    @monitoring_blp.response(200, envelope(BreakerSchema, many=True))
    def get(self):
        """Every circuit breaker with its state"""
        return ok(service.list_breakers())


@monitoring_blp.route("/circuit-breakers/<string:name>/reset")
class BreakerReset(MethodView):
    @roles_required("admin", "service")
    @monitoring_blp.response(200, envelope(BreakerSchema))
    @monitoring_blp.alt_response(404, response="NOT_FOUND")
    def post(self, name: str):
        """Close a breaker and forget its failures"""
        return ok(service.reset_breaker(name))


@monitoring_blp.route("/circuit-breakers/<string:name>/open")
class BreakerOpen(MethodView):
    @roles_required("admin", "service")
    @monitoring_blp.response(200, envelope(BreakerSchema))
    @monitoring_blp.alt_response(404, response="NOT_FOUND")
    def post(self, name: str):
        """Open a breaker until it is reset (calls to its target fail fast)"""
        return ok(service.force_open_breaker(name))


@monitoring_blp.route("/overview")
class Overview(MethodView):
    @roles_required("admin", "service")
    @monitoring_blp.response(200, envelope())
    def get(self):
        """Health, traffic, breakers, providers, proxies and queue depths (the dashboard's data)"""
        return ok(service.overview())


def _part(description: str) -> ma.fields.Dict:
    return ma.fields.Dict(required=True, metadata={"description": description + "; {error} if it could not be read"})


class DetailedMetricsSchema(ma.Schema):
    service = _part("version, environment, uptimeSeconds")
    process = _part("this web process: pid, rssBytes, maxRssBytes, cpuUserSeconds, cpuSystemSeconds, threads, "
                    "openFiles")
    http = _part("this web process since it started: requests, serverErrors, meanLatencyMs, p95LatencyBucketMs, "
                 "byStatusClass, topRoutes")
    socketio = _part("this web process: connections, events {ok, failed}")
    celery = _part("task outcomes counted by the workers, and queue depths")
    redis = _part("version, usedMemoryBytes, connectedClients, opsPerSecond, hitRate, uptimeSeconds")
    database = _part("backend and connection pool")
    breakers = _part("circuit breakers by state: closed, halfOpen, open")
    health = _part("the /health report")


class DetailedMetrics(MethodView):
    @roles_required("admin", "service")
    @monitoring_blp.response(200, envelope(DetailedMetricsSchema))
    @monitoring_blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def get(self):
        """Detailed monitoring: process, traffic, Socket.IO, Celery, Redis, database, breakers, health"""
        return ok(service.detailed_metrics())


monitoring_blp.route("/metrics")(DetailedMetrics)
monitoring_legacy_blp.route("/metrics", endpoint="legacy_metrics")(DetailedMetrics)
