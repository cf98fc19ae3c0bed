"""/api/v1/content: browse, search, home rows, details, sources, and admin writes."""
from __future__ import annotations

import marshmallow as ma
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from app.catalog import service
from app.catalog.schemas import (ContentCardSchema, ContentListArgsSchema, ContentPatchSchema, ContentSchema,
                                 ContentSearchArgsSchema, ContentUpdateSchema, ContentWriteSchema, EpisodePatchSchema,
                                 EpisodeSchema, HomeSchema, SeasonPatchSchema, SeasonSchema, SeasonUpdateSchema,
                                 SourceSchema, SourcesArgsSchema)
from app.core.api import cross_field_rules
from app.core.envelope import envelope, ok, page_envelope
from app.core.identity import current_identity, optional_auth, roles_required
from app.core.ratelimit import user_or_ip_key
from app.extensions import limiter

YEAR_RULES = {"yearFrom": "must not be after yearTo"}
# the deprecated filter names may be sent beside the canonical ones only when they agree
FILTER_RULES = {**YEAR_RULES, "type": "an alias of kind: when both are sent they must agree",
                "tier": "an alias of tierRequired: when both are sent they must agree"}
SEASONS_ON_CREATE = {"seasons": "only for kind=series"}
KIND_ON_UPDATE = {"kind": "a series with seasons cannot become a movie"}

blp = Blueprint("catalog", __name__, description="The catalog: movies and series, search, home rows")


def _viewer():
    return service.viewer_for(current_identity())


def _search_limit() -> str:
    return current_app.config["SEARCH_RATE_LIMIT"]


@blp.route("")
class ContentList(MethodView):
    @optional_auth
    @blp.arguments(ContentListArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, page_envelope(ContentCardSchema))
    @blp.alt_response(401, response="UNAUTHORIZED")
    @cross_field_rules(**FILTER_RULES)
    def get(self, args):
        """Browse the catalog: filters, sort and pages (drafts for admins only)"""
        items, meta = service.list_content(args, _viewer())
        return ok(items, meta=meta)

    @roles_required("admin")
    @blp.arguments(ContentWriteSchema)
    @blp.response(201, envelope(ContentSchema))
    @blp.alt_response(409, response="CONFLICT")
    @cross_field_rules(**SEASONS_ON_CREATE)
    def post(self, body):
        """Add a title (a series may bring its seasons and episodes)"""
        return ok(service.create_content(body))


@blp.route("/search")
class ContentSearch(MethodView):
    decorators = [limiter.limit(_search_limit, key_func=user_or_ip_key)]

    @optional_auth
    @blp.arguments(ContentSearchArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, page_envelope(ContentCardSchema))
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    @cross_field_rules(**FILTER_RULES)
    def get(self, args):
        """Ranked search over titles, synopses, cast and genres (exact title first, prefixes match)"""
        items, meta = service.search_content(args, _viewer())
        return ok(items, meta=meta)


@blp.route("/catalog")
class Home(MethodView):
    @optional_auth
    @blp.response(200, envelope(HomeSchema))
    @blp.alt_response(401, response="UNAUTHORIZED")
    def get(self):
        """The home page in one call: rows of cards"""
        return ok(service.home(_viewer()))


@blp.route("/<int:content_id>")
class ContentById(MethodView):
    @optional_auth
    @blp.response(200, envelope(ContentSchema))
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN", description="MATURITY_RESTRICTED")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, content_id):
        """A title with cast, genres and, for a series, its seasons and episodes"""
        return ok(service.get_content(content_id, _viewer()))

    @roles_required("admin")
    @blp.arguments(ContentUpdateSchema)
    @blp.response(200, envelope(ContentSchema))
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @cross_field_rules(**KIND_ON_UPDATE)
    def put(self, body, content_id):
        """Replace a title's fields (its seasons change under /content/{id}/seasons)"""
        return ok(service.update_content(content_id, body))

    @roles_required("admin")
    @blp.arguments(ContentPatchSchema(partial=True))
    @blp.response(200, envelope(ContentSchema))
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @cross_field_rules(**KIND_ON_UPDATE)
    def patch(self, body, content_id):
        """Change some of a title's fields (its seasons change under /content/{id}/seasons)"""
        return ok(service.update_content(content_id, body))

    @roles_required("admin")
    @blp.response(200, envelope())
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, content_id):
        """Delete a title with its seasons, episodes, and every user's history and favorites of it"""
        service.delete_content(content_id)
        return ok({"deleted": True, "id": content_id})


@blp.route("/<int:content_id>/sources")
class ContentSources(MethodView):
    @optional_auth
    @blp.arguments(SourcesArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, envelope(SourceSchema, many=True))
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN", description="SUBSCRIPTION_REQUIRED or MATURITY_RESTRICTED")
    @blp.alt_response(404, response="NOT_FOUND")
    @cross_field_rules(season="required when the title is a series", episode="required when the title is a series")
    def get(self, args, content_id):
        """Provider embeds for the title (a series needs season and episode), best provider first"""
        return ok(service.sources(content_id, _viewer(), args.get("season"), args.get("episode")))


@blp.route("/<int:content_id>/seasons")
class Seasons(MethodView):
    @roles_required("admin")
    @blp.arguments(SeasonSchema)
    @blp.response(201, envelope(SeasonSchema))
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @cross_field_rules(contentId="the title must be a series")
    def post(self, body, content_id):
        """Add a season (optionally with its episodes) to a series"""
        return ok(service.create_season(content_id, body))


@blp.route("/<int:content_id>/seasons/<int:season_id>")
class SeasonById(MethodView):
    @roles_required("admin")
    @blp.arguments(SeasonUpdateSchema)
    @blp.response(200, envelope(SeasonSchema))
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def put(self, body, content_id, season_id):
        """Replace a season's fields (its episodes change under .../episodes)"""
        return ok(service.update_season(content_id, season_id, body))

    @roles_required("admin")
    @blp.arguments(SeasonPatchSchema(partial=True))
    @blp.response(200, envelope(SeasonSchema))
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def patch(self, body, content_id, season_id):
        """Change some of a season's fields (its episodes change under .../episodes)"""
        return ok(service.update_season(content_id, season_id, body))

    @roles_required("admin")
    @blp.response(200, envelope())
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, content_id, season_id):
        """Delete a season and its episodes"""
        service.delete_season(content_id, season_id)
        return ok({"deleted": True, "id": season_id})


@blp.route("/<int:content_id>/seasons/<int:season_id>/episodes")
class Episodes(MethodView):
    @roles_required("admin")
    @blp.arguments(EpisodeSchema)
    @blp.response(201, envelope(EpisodeSchema))
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, body, content_id, season_id):
        """Add an episode to a season"""
        return ok(service.create_episode(content_id, season_id, body))


@blp.route("/<int:content_id>/episodes/<int:episode_id>")
class EpisodeById(MethodView):
    @roles_required("admin")
    @blp.arguments(EpisodeSchema)
    @blp.response(200, envelope(EpisodeSchema))
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def put(self, body, content_id, episode_id):
        """Replace an episode's fields"""
        return ok(service.update_episode(content_id, episode_id, body))

    @roles_required("admin")
    @blp.arguments(EpisodePatchSchema(partial=True))
    @blp.response(200, envelope(EpisodeSchema))
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def patch(self, body, content_id, episode_id):
        """Change some of an episode's fields"""
        return ok(service.update_episode(content_id, episode_id, body))

    @roles_required("admin")
    @blp.response(200, envelope())
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, content_id, episode_id):
        """Delete an episode"""
        service.delete_episode(content_id, episode_id)
        return ok({"deleted": True, "id": episode_id})
