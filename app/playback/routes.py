"""/api/v1/streaming (sessions, progress, history, analytics) and /api/v1/admin/stats."""
from __future__ import annotations

import marshmallow as ma
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from app.core.api import cross_field_rules
from app.core.envelope import envelope, ok, page_envelope
from app.core.identity import auth_required, current_identity, roles_required
from app.core.ratelimit import user_or_ip_key
from app.extensions import limiter
from app.playback import service
from app.playback.schemas import (AdminStatsSchema, AnalyticsArgsSchema, AnalyticsSchema, HistoryArgsSchema,
                                  HistoryEntrySchema, ItemProgressSchema, PlayBodySchema, ReportResultSchema,
                                  SessionEndSchema, SessionReportSchema, SessionSchema, SessionStartSchema)

blp = Blueprint("playback", __name__, description="Playback sessions, progress and history")
admin_blp = Blueprint("admin_stats", __name__, description="Admin dashboard figures")


def _report_limit() -> str:
    return current_app.config["PROGRESS_RATE_LIMIT"]


# Reports arrive every few seconds from each viewer, and a household shares one IP: they are
# limited per user instead of by the per-IP default.
report_limit = limiter.limit(_report_limit, key_func=user_or_ip_key)


# what the catalog judges by the title (catalog.playback_target); JSON Schema cannot say it
EPISODE_RULES = {"episodeId": "required when the title is a series, refused when it is a movie"}


def _viewer():
    return service.viewer_for(current_identity(required=True))


def _user_id() -> int:
    return current_identity(required=True).user_id


@blp.route("/session")
class Sessions(MethodView):
    @auth_required(allow_service=False)
    @blp.arguments(SessionStartSchema)
    @blp.response(201, envelope(SessionSchema))
    @blp.alt_response(403, response="FORBIDDEN", description="SUBSCRIPTION_REQUIRED or MATURITY_RESTRICTED")
    @blp.alt_response(404, response="NOT_FOUND")
    @cross_field_rules(**EPISODE_RULES)
    def post(self, body):
        """Start watching: a session id, where to resume, and the sources"""
        return ok(service.start_session(_viewer(), body["content_id"], body.get("episode_id"), body.get("device"),
                                        body.get("duration")))


@blp.route("/session/<string:session_id>")
class SessionById(MethodView):
    decorators = [report_limit]

    @auth_required(allow_service=False)
    @blp.arguments(SessionReportSchema)
    @blp.response(200, envelope(ReportResultSchema))
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="SESSION_ENDED")
    def put(self, body, session_id):
        """Report the position and player state (buffered; written to history within the flush interval)"""
        return ok(service.report_progress(_user_id(), session_id, body["position"], body["state"],
                                          body.get("timestamp")))


@blp.route("/session/<string:session_id>/end")
class SessionEnd(MethodView):
    @auth_required(allow_service=False)
    @blp.arguments(SessionEndSchema)
    @blp.response(200, envelope(ReportResultSchema))
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="SESSION_ENDED")
    def post(self, body, session_id):
        """End a session at a final position"""
        return ok(service.end_session(_user_id(), session_id, body["position"], body.get("timestamp")))


@blp.route("/play/<int:content_id>")
class Play(MethodView):
    @auth_required(allow_service=False)
    @blp.arguments(PlayBodySchema, required=False)
    @blp.response(201, envelope(SessionSchema))
    @blp.alt_response(403, response="FORBIDDEN", description="SUBSCRIPTION_REQUIRED or MATURITY_RESTRICTED")
    @blp.alt_response(404, response="NOT_FOUND")
    @cross_field_rules(**EPISODE_RULES)
    def post(self, body, content_id):
        """Start a session (the gateway's name for POST /session)"""
        body = body or {}
        return ok(service.start_session(_viewer(), content_id, body.get("episode_id"), body.get("device")))


@blp.route("/progress")
class Progress(MethodView):
    decorators = [report_limit]

    @auth_required(allow_service=False)
    @blp.arguments(ItemProgressSchema)
    @blp.response(200, envelope(ReportResultSchema))
    @blp.alt_response(403, response="FORBIDDEN", description="SUBSCRIPTION_REQUIRED or MATURITY_RESTRICTED")
    @blp.alt_response(404, response="NOT_FOUND")
    @cross_field_rules(**EPISODE_RULES)
    def post(self, body):
        """Report progress by item (the gateway's shape): uses or opens the user's session on it"""
        return ok(service.progress_for_item(_viewer(), body["content_id"], body.get("episode_id"), body["position"],
                                            body.get("timestamp")))


@blp.route("/history")
class History(MethodView):
    @auth_required(allow_service=False)
    @blp.arguments(HistoryArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, page_envelope(HistoryEntrySchema))
    def get(self, args):
        """The signed-in user's history, newest first"""
        items, meta = service.list_history(_user_id(), args["page"], args["per_page"])
        return ok(items, meta=meta)


@blp.route("/analytics")
class Analytics(MethodView):
    @roles_required("admin")
    @blp.arguments(AnalyticsArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, envelope(AnalyticsSchema))
    @cross_field_rules(**{"from": "must not be after to; from..to covers at most the analytics range limit "
                                  "(366 days by default)"})
    def get(self, args):
        """Views, unique viewers, watch time and completion rate, per content and per day"""
        return ok(service.analytics(args.get("date_from"), args.get("date_to"), args.get("content_id")))


@admin_blp.route("/stats")
class AdminStats(MethodView):
    @roles_required("admin")
    @admin_blp.response(200, envelope(AdminStatsSchema))
    def get(self):
        """Users, content, top content and sessions playing now"""
        return ok(service.admin_stats())
