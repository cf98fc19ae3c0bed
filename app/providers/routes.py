"""/api/v1/providers (users and services), and the original service's /providers paths
(``x-internal-key`` callers only)."""
from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from app.core.api import cross_field_rules
from app.core.envelope import envelope, ok
from app.core.identity import auth_required, current_identity, roles_required
from app.providers import service
from app.providers.schemas import (MEDIA_ID_DOC, TEMPLATE_RULES, TV_RULES, BestProviderSchema, EmbedSchema,
                                   MediaQueryArgsSchema, ProviderCheckTaskSchema, ProviderCreateSchema,
                                   ProviderListArgsSchema, ProviderSchema, ProviderStatusSchema, ProviderUpdateSchema)

blp = Blueprint("providers", __name__, description="Streaming providers: embeds, status, best choice")
MEDIA_ID_PARAM = {"in": "path", "name": "mediaId", "required": True,
                  "description": MEDIA_ID_DOC["description"],
                  "schema": {"type": "string", "pattern": MEDIA_ID_DOC["pattern"], "example": MEDIA_ID_DOC["example"]}}
ENTITLEMENT_REFUSAL = ("SUBSCRIPTION_REQUIRED or MATURITY_RESTRICTED: the media id is a catalog title "
                       "the caller's tier or maturity limit does not allow")
legacy_blp = Blueprint("providers_legacy", __name__, description="The original providers service's paths "
                       "(x-internal-key callers)")


def _embed(provider_id: str, media_id: str, args: dict) -> dict:
    return service.embed_for(current_identity(), provider_id, media_id, args["type"], args["season"],
                             args["episode"])


@blp.route("")
class Providers(MethodView):
    @auth_required
    @blp.arguments(ProviderListArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, envelope(ProviderSchema, many=True))
    def get(self, args):
        """Providers in priority order, each with its current status"""
        return ok(service.list_with_status(args["include_disabled"]))

    @roles_required("admin", "service")
    @blp.arguments(ProviderCreateSchema)
    @blp.response(201, envelope(ProviderSchema))
    @blp.alt_response(409, response="CONFLICT")
    @cross_field_rules(**TEMPLATE_RULES)
    def post(self, body):
        """Add a custom provider (https only, templates on the provider's host, {id} required)"""
        return ok(service.describe(service.create_provider(body)))


@blp.route("/check")
class Check(MethodView):
    @roles_required("admin", "service")
    @blp.response(202, envelope(ProviderCheckTaskSchema))
    def post(self):
        """Check every provider now (in the probes queue); returns the task id"""
        return ok({"task_id": service.enqueue_check(), "queue": "probes"})


@blp.route("/status/<string:providerId>")
class Status(MethodView):
    @auth_required
    @blp.response(200, envelope(ProviderStatusSchema))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, providerId: str):
        """Current status, latency and recent history; an unknown status schedules a check"""
        return ok(service.provider_status(providerId))


@blp.route("/best/<string:mediaId>", parameters=[MEDIA_ID_PARAM])
class Best(MethodView):
    @auth_required
    @blp.arguments(MediaQueryArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, envelope(BestProviderSchema))
    @blp.alt_response(403, response="FORBIDDEN", description=ENTITLEMENT_REFUSAL)
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @cross_field_rules(**TV_RULES)
    def get(self, args, mediaId: str):
        """The highest-priority provider that is up, with the alternates in fallback order"""
        return ok(service.best_provider(current_identity(), mediaId, args["type"], args["season"], args["episode"]))


@blp.route("/<rid:providerId>")
class ProviderById(MethodView):
    @auth_required
    @blp.response(200, envelope(ProviderSchema))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, providerId: str):
        """One provider's definition"""
        return ok(service.describe(service.get_provider(providerId)))

    @roles_required("admin", "service")
    @blp.arguments(ProviderUpdateSchema)
    @blp.response(200, envelope(ProviderSchema))
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @cross_field_rules(**TEMPLATE_RULES)
    def patch(self, body, providerId: str):
        """Edit, enable or disable a custom provider"""
        return ok(service.describe(service.update_provider(providerId, body)))

    @roles_required("admin", "service")
    @blp.response(200, envelope())
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def delete(self, providerId: str):
        """Remove a custom provider"""
        service.delete_provider(providerId)
        return ok({"deleted": providerId})


@blp.route("/<rid:providerId>/<string:mediaId>", parameters=[MEDIA_ID_PARAM])
class Embed(MethodView):
    @auth_required
    @blp.arguments(MediaQueryArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, envelope(EmbedSchema))
    @blp.alt_response(403, response="FORBIDDEN", description=ENTITLEMENT_REFUSAL)
    @blp.alt_response(404, response="NOT_FOUND")
    @cross_field_rules(**TV_RULES)
    def get(self, args, providerId: str, mediaId: str):
        """Embed URL and iframe for a movie or an episode (a catalog title's id: its tier and maturity rules)"""
        return ok(_embed(providerId, mediaId, args))


@legacy_blp.route("/list")
class LegacyList(MethodView):
    @roles_required("service")
    @legacy_blp.response(200, envelope(ProviderSchema, many=True))
    def get(self):
        """Enabled providers with status (original path)"""
        return ok(service.list_with_status())


@legacy_blp.route("/status/<string:providerId>")
class LegacyStatus(MethodView):
    @roles_required("service")
    @legacy_blp.response(200, envelope(ProviderStatusSchema))
    @legacy_blp.alt_response(404, response="NOT_FOUND")
    def get(self, providerId: str):
        """Provider status (original path)"""
        return ok(service.provider_status(providerId))


@legacy_blp.route("/<rid:providerId>/<string:mediaId>", parameters=[MEDIA_ID_PARAM])
class LegacyEmbed(MethodView):
    @roles_required("service")
    @legacy_blp.arguments(MediaQueryArgsSchema, location="query", unknown=ma.RAISE)
    @legacy_blp.response(200, envelope(EmbedSchema))
    @legacy_blp.alt_response(404, response="NOT_FOUND")
    @cross_field_rules(**TV_RULES)
    def get(self, args, providerId: str, mediaId: str):
        """Embed URL and iframe (original path)"""
        return ok(_embed(providerId, mediaId, args))
