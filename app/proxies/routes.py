"""/api/v1/proxies: the outbound proxy pool (admin or service)."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from app.core.api import cross_field_rules
from app.core.envelope import envelope, ok
from app.core.identity import roles_required
from app.proxies import service
from app.proxies.schemas import PROXY_URL_RULE, ProxyCreateSchema, ProxySchema, ProxyProbeTaskSchema

blp = Blueprint("proxies", __name__, description="Outbound proxy pool: health, probing, rotation")


@blp.route("")
class Proxies(MethodView):
    @roles_required("admin", "service")
    @blp.response(200, envelope(ProxySchema, many=True))
    def get(self):
        """Every proxy with its health, latency, failures and last error"""
        return ok(service.list_proxies())

    @roles_required("admin", "service")
    @blp.arguments(ProxyCreateSchema)
    @blp.response(201, envelope(ProxySchema))
    @blp.alt_response(409, response="CONFLICT")
    @cross_field_rules(url=PROXY_URL_RULE)
    def post(self, body):
        """Add a proxy (http, https or socks5)"""
        return ok(service.add_proxy(body["url"], body["weight"], body["label"]))


@blp.route("/check")
class CheckAll(MethodView):
    @roles_required("admin", "service")
    @blp.response(202, envelope(ProxyProbeTaskSchema))
    def post(self):
        """Probe every proxy now (in the probes queue); returns the task id"""
        return ok({"task_id": service.enqueue_probe(), "queue": "probes"})


@blp.route("/<rid:proxyId>")
class ProxyById(MethodView):
    @roles_required("admin", "service")
    @blp.response(200, envelope(ProxySchema))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, proxyId: str):
        """One proxy with its health"""
        return ok(service.get_proxy(proxyId))

    @roles_required("admin", "service")
    @blp.response(200, envelope())
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def delete(self, proxyId: str):
        """Remove a proxy added through the API"""
        service.delete_proxy(proxyId)
        return ok({"deleted": proxyId})


@blp.route("/<rid:proxyId>/check")
class CheckOne(MethodView):
    @roles_required("admin", "service")
    @blp.response(200, envelope(ProxySchema))
    @blp.alt_response(404, response="NOT_FOUND")
    def post(self, proxyId: str):
        """Probe one proxy now and return its new health"""
        return ok(service.check_proxy(proxyId))
