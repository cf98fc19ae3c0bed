"""REST twins of the room events under /api/v1/watch-together (and the original /auth/watch-together).

The caller is always the actor; each view makes one service call, which emits the same
Socket.IO events as the socket handler would.
"""
from __future__ import annotations

from http import HTTPStatus

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from app.core.api import cross_field_rules
from app.core.envelope import envelope, ok, page_envelope
from app.core.identity import auth_required, current_identity
from app.core.pagination import PaginationArgsSchema, page_meta
from app.rooms import service
from app.rooms.schemas import (
    ActionResultSchema, CreatedRoomSchema, CreateRoomSchema, InviteSchema, JoinRoomSchema, KickUserSchema,
    MembershipSchema, PlaybackSchema, RoomProviderSchema, RoomRefSchema, RoomSchema, RoomStateSchema, RoomStatsSchema,
    TransferAdminSchema,
)

blp = Blueprint("rooms", __name__, description="Watch together: synchronized rooms (REST twins of the Socket.IO events)")
legacy_blp = Blueprint("rooms_legacy", __name__,
                       description="Watch together under the original backend's /auth/watch-together paths")

user_only = auth_required(allow_service=False)


def _errors(*statuses, body: bool = False):
    """Document each error status a view can answer (the fuzz test holds us to it).

    The core plugin adds the plumbing's statuses (429; 400/413/415 for bodies) only under
    /api/, and these views also answer on the legacy /auth/watch-together paths, so they say so
    themselves.
    """

    def decorator(func):
        for status in (*statuses, 429, *((400, 413, 415) if body else ())):
            func = blp.alt_response(status, response=HTTPStatus(status).name)(func)
        return func

    return decorator


SAME_ROOM = {"roomId": "optional; when sent it must equal the roomId of the path (else 409 ROOM_MISMATCH)"}
ACTION_DATA = {"action": "action.data carries what action.type needs: currentTime for seek and updateTime, "
                         "playbackRate for setPlaybackRate, season and episode for changeEpisode (tv rooms), "
                         "provider for changeProvider, mediaId and mediaType for changeMedia"}


CREATE_RULES = {
    "mediaId": "required unless movieId is sent (seed 000's movie rooms)",
    "movieId": "names a movie: must agree with mediaId and mediaType when they are sent too",
    "mediaType": "required with mediaId; movie with movieId",
    "providerId": "one of the enabled providers (GET /api/v1/providers)",
    "season": "only in tv rooms", "episode": "only in tv rooms",
}


def _same_room(path_id: str, body: dict | None) -> None:
    if (body or {}).get("room_id") not in (None, path_id):
        raise service.RoomMismatch()


class Rooms(MethodView):
    @user_only
    @blp.arguments(PaginationArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, page_envelope(RoomSchema))
    @_errors(401, 403, 422)
    def get(self, args):
        """Public rooms, newest first"""
        rooms, total = service.list_public_rooms(args["page"], args["per_page"])
        return ok(rooms, meta=page_meta(args["page"], args["per_page"], total))

    @user_only
    @blp.arguments(CreateRoomSchema)
    @blp.response(201, envelope(CreatedRoomSchema))
    @_errors(401, 403, 404, 422, body=True)
    @cross_field_rules(**CREATE_RULES)
    def post(self, body):
        """Create a room; the caller is its admin and gets its invite (emits room_created)"""
        return ok(service.create_room(current_identity(), body))


class RoomById(MethodView):
    @user_only
    @blp.response(200, envelope(RoomSchema))
    @_errors(401, 403, 404)
    def get(self, room_id):
        """A room with its playback state, members and sync spread (a private room: members and admins)"""
        return ok(service.get_room(current_identity(), room_id))


class RoomJoin(MethodView):
    @user_only
    @blp.arguments(JoinRoomSchema, required=False)
    @blp.response(200, envelope(RoomStateSchema))
    @_errors(401, 403, 404, 409, 422, 503, body=True)
    @cross_field_rules(**SAME_ROOM)
    def post(self, body, room_id):
        """Join (emits user_joined; the caller's sockets get initial_state); a private room needs inviteCode"""
        _same_room(room_id, body)
        return ok(service.join_room(current_identity(), room_id, body=body))


class RoomLeave(MethodView):
    @user_only
    @blp.arguments(RoomRefSchema, required=False)
    @blp.response(200, envelope(MembershipSchema))
    @_errors(401, 403, 404, 409, 422, 503, body=True)
    @cross_field_rules(**SAME_ROOM)
    def post(self, body, room_id):
        """Leave (emits user_left, admin_changed when the admin leaves)"""
        _same_room(room_id, body)
        return ok(service.leave_room(current_identity(), room_id, body=body))


class RoomPlayback(MethodView):
    @user_only
    @blp.arguments(PlaybackSchema)
    @blp.response(200, envelope(ActionResultSchema))
    @_errors(401, 403, 404, 409, 422, 503, body=True)
    @cross_field_rules(**SAME_ROOM, **ACTION_DATA)
    def post(self, body, room_id):
        """Apply a playback action (emits playback_updated / episode_changed / ...)"""
        _same_room(room_id, body)
        return ok(service.playback_action(current_identity(), room_id, body["action"], body=body))


class RoomSync(MethodView):
    @user_only
    @blp.arguments(RoomRefSchema, required=False)
    @blp.response(200, envelope(RoomStateSchema))
    @_errors(401, 403, 404, 409, 422, 503, body=True)
    @cross_field_rules(**SAME_ROOM)
    def post(self, body, room_id):
        """The room's current state and the server clock (emits sync_response to the caller)"""
        _same_room(room_id, body)
        return ok(service.sync_request(current_identity(), room_id, body=body))


class RoomInvite(MethodView):
    @user_only
    @blp.response(200, envelope(InviteSchema))
    @_errors(401, 403, 404)
    def get(self, room_id):
        """The room's invite code and link (members)"""
        return ok(service.get_invite(current_identity(), room_id))

    @user_only
    @blp.arguments(RoomRefSchema, required=False)
    @blp.response(200, envelope(InviteSchema))
    @_errors(401, 403, 404, 409, 422, 503, body=True)
    @cross_field_rules(**SAME_ROOM)
    def post(self, body, room_id):
        """Replace the invite code; the old one stops working (room admin; emits invite_changed)"""
        _same_room(room_id, body)
        return ok(service.rotate_invite(current_identity(), room_id, body))


class RoomTransferAdmin(MethodView):
    @user_only
    @blp.arguments(TransferAdminSchema)
    @blp.response(200, envelope(MembershipSchema))
    @_errors(401, 403, 404, 409, 422, 503, body=True)
    @cross_field_rules(**SAME_ROOM)
    def post(self, body, room_id):
        """Hand the admin role to another member (emits admin_changed)"""
        _same_room(room_id, body)
        return ok(service.transfer_admin(current_identity(), room_id, body["new_admin_id"], body))


class RoomKickUser(MethodView):
    @user_only
    @blp.arguments(KickUserSchema)
    @blp.response(200, envelope(MembershipSchema))
    @_errors(401, 403, 404, 409, 422, 503, body=True)
    @cross_field_rules(**SAME_ROOM, userIdToKick="not the caller's own id (leave the room instead)")
    def post(self, body, room_id):
        """Remove a member for good (emits user_kicked)"""
        _same_room(room_id, body)
        return ok(service.kick_user(current_identity(), room_id, body["user_id_to_kick"], body))


class RoomStats(MethodView):
    @user_only
    @blp.response(200, envelope(RoomStatsSchema))
    @_errors(401, 403)
    def get(self):
        """Rooms, members, events per minute and sync spread (per room: only the rooms the caller may see)"""
        return ok(service.stats(current_identity()))


class RoomProviders(MethodView):
    @user_only
    @blp.response(200, envelope(RoomProviderSchema, many=True))
    @_errors(401, 403)
    def get(self):
        """Providers a room can switch to"""
        return ok(service.room_providers())


_ROOM = "/rooms/<string(minlength=1, maxlength=64):room_id>"
_ROUTES = [("/rooms", Rooms), (_ROOM, RoomById), (f"{_ROOM}/join", RoomJoin), (f"{_ROOM}/leave", RoomLeave),
           (f"{_ROOM}/playback", RoomPlayback), (f"{_ROOM}/sync", RoomSync), (f"{_ROOM}/invite", RoomInvite),
           (f"{_ROOM}/transfer-admin", RoomTransferAdmin), (f"{_ROOM}/kick-user", RoomKickUser),
           ("/stats", RoomStats), ("/providers", RoomProviders)]

for _path, _view in _ROUTES:
    blp.route(_path)(_view)
    legacy_blp.route(_path, endpoint=f"legacy_{_view.__name__}")(_view)
