"""/health, /health/<name> and /metrics at the root: ops endpoints, outside the /api/v1 envelope."""
from __future__ import annotations

import marshmallow as ma
from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from app.platform.metrics import REGISTRY
from app.extensions import limiter
from app.ops import service

ops_blp = Blueprint("ops", __name__, description="Health and metrics for operators and load balancers")
limiter.exempt(ops_blp)


class CheckSchema(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE

    status = ma.fields.String(required=True, metadata={"enum": ["ok", "down"]})
    latencyMs = ma.fields.Float(required=True)
    error = ma.fields.String()


class HealthSchema(ma.Schema):
    status = ma.fields.String(required=True, metadata={"enum": ["ok", "degraded", "down"]})
    checks = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Nested(CheckSchema), required=True)
    version = ma.fields.String(required=True)
    uptimeSeconds = ma.fields.Float(required=True)


def _render(report: dict):
    response = jsonify(report)
    response.status_code = 503 if report["status"] == "down" else 200
    response.headers["Cache-Control"] = "no-store"
    return response


@ops_blp.route("/health")
class Health(MethodView):
    @ops_blp.response(200, HealthSchema, description="ok or degraded")
    @ops_blp.alt_response(503, schema=HealthSchema, description="a critical dependency (database, Redis) is down")
    def get(self):
        """Health of the service: database, redis, celery, storage"""
        return _render(service.health_report())


@ops_blp.route("/health/<string:name>")
class HealthOne(MethodView):
    @ops_blp.doc(parameters=[{"in": "path", "name": "name", "required": True,
                              "schema": {"type": "string", "enum": sorted(service.CHECKS)}}])
    @ops_blp.response(200, HealthSchema)
    @ops_blp.alt_response(503, schema=HealthSchema)
    @ops_blp.alt_response(404, response="NOT_FOUND")
    def get(self, name: str):
        """Health of one dependency"""
        return _render(service.health_report([name]))


@ops_blp.route("/metrics")
class Metrics(MethodView):
    @ops_blp.response(200, content_type="text/plain", description="Prometheus text exposition format")
    def get(self):
        """Prometheus metrics"""
        return Response(generate_latest(REGISTRY), 200, {"Content-Type": CONTENT_TYPE_LATEST, "Cache-Control": "no-store"})
