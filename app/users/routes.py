"""/api/v1/users/{id}: profile, history, continue watching, favorites (``me`` works as the id)."""
from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from app.core.envelope import envelope, ok, page_envelope
from app.core.identity import auth_required, current_identity
from app.core.pagination import PaginationArgsSchema
from app.playback.schemas import ContinueEntrySchema, HistoryEntrySchema
from app.users import service
from app.users.schemas import FavoriteBodySchema, FavoriteSchema, ProfilePatchSchema, ProfileSchema

blp = Blueprint("users", __name__, description="Profiles, history, continue watching, favorites")


def _target(user_ref: str) -> int:
    return service.resolve_user_id(current_identity(required=True), user_ref)


@blp.route("/<string:user_ref>")
class UserById(MethodView):
    @auth_required(allow_service=False)
    @blp.response(200, envelope(ProfileSchema))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, user_ref):
        """A profile: the user themself or an admin"""
        return ok(service.get_profile(_target(user_ref)))

    @auth_required(allow_service=False)
    @blp.arguments(ProfilePatchSchema)
    @blp.response(200, envelope(ProfileSchema))
    @blp.alt_response(404, response="NOT_FOUND")
    def patch(self, body, user_ref):
        """Change display name, avatar, preferences; the tier by admins only"""
        return ok(service.update_profile(current_identity(required=True), _target(user_ref), body))

    put = patch  # the same update under the verb the original clients use (seed 002)


@blp.route("/<string:user_ref>/history")
class UserHistory(MethodView):
    @auth_required(allow_service=False)
    @blp.arguments(PaginationArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, page_envelope(HistoryEntrySchema))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args, user_ref):
        """Watch history, newest first"""
        items, meta = service.list_history(_target(user_ref), args["page"], args["per_page"])
        return ok(items, meta=meta)

    @auth_required(allow_service=False)
    @blp.response(200, envelope())
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, user_ref):
        """Clear the whole history"""
        return ok({"deleted": service.delete_history(_target(user_ref))})


@blp.route("/<string:user_ref>/history/<int:entry_id>")
class UserHistoryEntry(MethodView):
    @auth_required(allow_service=False)
    @blp.response(200, envelope())
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, user_ref, entry_id):
        """Delete one history entry"""
        return ok({"deleted": service.delete_history(_target(user_ref), entry_id)})


@blp.route("/<string:user_ref>/continue-watching")
class UserContinueWatching(MethodView):
    @auth_required(allow_service=False)
    @blp.response(200, envelope(ContinueEntrySchema, many=True))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, user_ref):
        """Titles in progress and, for series, the next episode after a finished one"""
        return ok(service.continue_watching(_target(user_ref)))


@blp.route("/<string:user_ref>/favorites")
class UserFavorites(MethodView):
    @auth_required(allow_service=False)
    @blp.arguments(PaginationArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, page_envelope(FavoriteSchema))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args, user_ref):
        """Saved titles, newest first"""
        items, meta = service.list_favorites(_target(user_ref), args["page"], args["per_page"])
        return ok(items, meta=meta)

    @auth_required(allow_service=False)
    @blp.arguments(FavoriteBodySchema)
    @blp.response(200, envelope(FavoriteSchema))
    @blp.alt_response(403, response="FORBIDDEN", description="MATURITY_RESTRICTED")
    @blp.alt_response(404, response="NOT_FOUND")
    def post(self, body, user_ref):
        """Save a title (saving it twice is fine)"""
        return ok(service.add_favorite(_target(user_ref), body["content_id"]))


@blp.route("/<string:user_ref>/favorites/<int:content_id>")
class UserFavorite(MethodView):
    @auth_required(allow_service=False)
    @blp.response(200, envelope())
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, user_ref, content_id):
        """Remove a saved title (removing one that is not saved is not an error)"""
        return ok({"removed": service.remove_favorite(_target(user_ref), content_id)})
