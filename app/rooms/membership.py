"""Who is in a room: create, join and rejoin, leave, the admin role, kicks, and the sockets of
members coming and going."""
from __future__ import annotations

import logging
import secrets

from app.core.identity import Identity
from app.core.timeutil import now_ms
from app.errors import AppError, AuthorizationError, ValidationError
from app.providers import service as providers
from app.rooms import broadcast, invites, store
from app.rooms import state as st
from app.rooms.changes import actor_id, cfg, change_room, check_claims, depart, require_member, ttl_s
from app.rooms.entitlement import Entitlements
from app.rooms.errors import InviteInvalid, NotRoomAdmin, ParticipantNotFound, RoomFull, RoomNotFound
from app.rooms.lifetime import reap_room
from app.rooms.outbox import Outbox
from app.rooms.queries import room_view

log = logging.getLogger(__name__)

SOCKETS_TTL_S = 24 * 3600


def default_provider() -> str | None:
    """The provider of a room created without one: ROOM_DEFAULT_PROVIDER (vidnest, as the seeds
    say) while it is enabled, else the enabled provider with the best priority."""
    wanted = cfg("ROOM_DEFAULT_PROVIDER")
    if wanted and providers.is_enabled(wanted):
        return wanted
    enabled = providers.list_providers()
    return enabled[0].id if enabled else None


def create_room(actor: Identity, body: dict, sid: str | None = None) -> dict:
    """Create a room with the caller as admin and only member; ``room_created`` goes to the caller.

    The caller must be entitled to the title (the catalog's check; ids outside it pass).
    The answer (and ``room_created``) carries the room's ``invite``, which only its creator
    receives here; members read it later with ``get_invite``.
    """
    uid = actor_id(actor)
    check_claims(actor, body, "admin_id")
    limit = int(cfg("ROOM_MAX_PARTICIPANTS"))
    wanted = body.get("max_participants") or limit
    if wanted > limit:
        raise ValidationError(f"maxParticipants cannot exceed {limit}", field="maxParticipants")
    provider_id = body.get("provider_id") or default_provider()
    if body.get("provider_id") and not providers.is_enabled(provider_id):
        raise ValidationError(f"Unknown or disabled provider {provider_id!r}", field="providerId")
    Entitlements(actor).require(body["media_type"], str(body["media_id"]))
    now = now_ms()
    room_id = secrets.token_urlsafe(9)
    room = {
        "id": room_id, "name": body["name"], "adminId": uid, "createdAt": now, "lastActivity": now,
        "options": {"controlMode": body.get("control_mode") or st.CONTROL_ADMIN, "maxParticipants": wanted,
                    "isPublic": bool(body.get("is_public", True)), "waitForAll": bool(body.get("wait_for_all", True))},
        "state": st.new_state(str(body["media_id"]), body["media_type"], provider_id,
                              body.get("season"), body.get("episode"), now),
        "kicked": [], "emptySince": None, "pendingPlay": None, "lastTimeBroadcast": 0,
        "invite": invites.new_invite(now),
    }
    member = st.new_member(uid, actor.display_name, now)
    if sid:
        member["sids"].append(sid)
    participants = {uid: member}
    store.create(room, participants, ttl_s())
    store.add_user_room(uid, room_id, ttl_s())
    if sid:
        broadcast.enter(sid, room_id)
    view = {**room_view(room, participants), "invite": invites.invite_view(room)}
    Outbox.tell_caller(uid, sid, "room_created", view)
    return view


def join_room(actor: Identity, room_id: str, sid: str | None = None, body: dict | None = None) -> dict:
    """Join (or rejoin within the grace period, keeping place and role).

    A private room lets in its members, platform admins and whoever sends its current
    ``inviteCode``; anyone else is answered as a missing room would be (``invites.admit``).
    A joiner (rejoins too) must be entitled to the room's title (the catalog's code otherwise).
    The joiner gets ``initial_state``; the room hears ``user_joined`` only for a new member.
    """
    uid = actor_id(actor)
    body = body or {}
    check_claims(actor, body)
    code = body.get("invite_code")
    checks = Entitlements(actor)

    def change(room, participants, outbox, now):
        member = participants.get(uid)
        rejoin = member is not None
        if not rejoin:
            invites.admit(room, participants, actor, code)
            if uid in room["kicked"]:
                raise AuthorizationError("You were removed from this room")
        # after the invite: a refusal names the title's rating, which only invitees may learn
        checks.require(room["state"]["mediaType"], room["state"]["mediaId"])
        if not rejoin:
            if len(participants) >= int(room["options"]["maxParticipants"]):
                raise RoomFull()
            member = participants[uid] = st.new_member(uid, actor.display_name, now)
            if not room["adminId"] or room["adminId"] not in participants:
                room["adminId"] = uid  # an emptied room in its grace period is reclaimed
        if sid and sid not in member["sids"]:
            member["sids"].append(sid)
        member["disconnectedAt"] = None
        member["lastSeen"] = now
        room["emptySince"] = None
        if not rejoin:
            outbox.room(room["id"], "user_joined", {"userId": uid, "displayName": member["displayName"],
                                                    "participants": st.participants_view(room, participants),
                                                    "serverTime": now})
        return rejoin

    try:
        _, room, participants = change_room(room_id, change)
    except RoomNotFound:
        # a missing room and a private one the caller may not enter answer alike
        if code:
            raise InviteInvalid() from None
        raise RoomNotFound("The room does not exist (a private room is joined with its inviteCode)") from None
    store.add_user_room(uid, room_id, ttl_s())
    for socket_id in [sid] if sid else store.user_socket_ids(uid):
        broadcast.enter(socket_id, room_id)
    snapshot = initial_state(room, participants)
    Outbox.tell_caller(uid, sid, "initial_state", snapshot)
    return snapshot


def initial_state(room: dict, participants: dict) -> dict:
    view = room_view(room, participants)
    return {"room": view, "currentState": view["currentState"], "participants": view["participants"],
            "serverTime": now_ms(), "chat": store.recent_chat(room["id"], int(cfg("ROOM_CHAT_HISTORY")))}


def leave_room(actor: Identity, room_id: str, sid: str | None = None, body: dict | None = None) -> dict:
    """Leave for good; the admin role passes to the longest-present member."""
    uid = actor_id(actor)
    check_claims(actor, body or {})

    def change(room, participants, outbox, now):
        member = require_member(room, participants, actor)
        depart(room, participants, outbox, uid, now, reason="left")
        # membership is per user, so every tab of theirs stops hearing the room
        outbox.leave(room["id"], set(member["sids"]) | set(store.user_socket_ids(uid)) | ({sid} if sid else set()))
        return {"roomId": room["id"], "userId": uid, "participants": st.participants_view(room, participants),
                "adminId": room["adminId"] if participants else None, "closing": not participants}

    result, _, _ = change_room(room_id, change)
    return result


def connect_user(actor: Identity, sid: str) -> list[str]:
    """A socket of a user came up (its user channel entered): reattach it to the rooms the user
    still belongs to."""
    uid = actor_id(actor)
    store.add_user_socket(uid, sid, SOCKETS_TTL_S)
    rejoined = []
    for room_id in store.user_room_ids(uid):
        try:
            room, participants = store.load(room_id) or (None, {})
            if uid in participants:
                join_room(actor, room_id, sid)
                rejoined.append(room_id)
            else:
                store.remove_user_room(uid, room_id)
        except AppError as exc:  # the room closed or refused us meanwhile: nothing to rejoin
            log.info("no rejoin of %s to %s: %s", uid, room_id, exc.code)
            store.remove_user_room(uid, room_id)
    return rejoined


def disconnect_user(uid: str, sid: str) -> None:
    """A socket went away: its member keeps their place for ``ROOM_REJOIN_GRACE``."""
    store.remove_user_socket(uid, sid)
    for room_id in store.user_room_ids(uid):
        def change(room, participants, outbox, now):
            member = participants.get(uid)
            if member is None or sid not in member["sids"]:
                return
            member["sids"].remove(sid)
            if not member["sids"]:
                member["disconnectedAt"] = now
                member["lastSeen"] = now
                outbox.later(float(cfg("ROOM_REJOIN_GRACE")) + 0.05, reap_room, room["id"])

        try:
            change_room(room_id, change)
        except AppError:
            continue


def transfer_admin(actor: Identity, room_id: str, new_admin_id: str, body: dict | None = None) -> dict:
    uid = actor_id(actor)
    check_claims(actor, body or {}, "admin_id", "current_admin_id")

    def change(room, participants, outbox, now):
        require_member(room, participants, actor)
        if room["adminId"] != uid:
            raise NotRoomAdmin()
        if new_admin_id not in participants:
            raise ParticipantNotFound()
        room["adminId"] = new_admin_id
        payload = {"newAdmin": new_admin_id, "oldAdmin": uid, "participants": st.participants_view(room, participants),
                   "serverTime": now}
        outbox.room(room["id"], "admin_changed", payload)
        return payload

    result, _, _ = change_room(room_id, change)
    return result


def kick_user(actor: Identity, room_id: str, target: str, body: dict | None = None) -> dict:
    uid = actor_id(actor)
    check_claims(actor, body or {}, "admin_id")
    if target == uid:
        raise ValidationError("You cannot kick yourself; leave the room instead", field="userIdToKick")

    def change(room, participants, outbox, now):
        require_member(room, participants, actor)
        if room["adminId"] != uid:
            raise NotRoomAdmin()
        member = participants.get(target)
        if member is None:
            raise ParticipantNotFound()
        st.remove_member(room, participants, target, now)
        room["kicked"].append(target)
        payload = {"kickedUserId": target, "participants": st.participants_view(room, participants),
                   "serverTime": now}
        outbox.room(room["id"], "user_kicked", payload)
        outbox.leave(room["id"], set(member["sids"]) | set(store.user_socket_ids(target)))
        return payload

    result, _, _ = change_room(room_id, change)
    store.remove_user_room(target, room_id)
    return result
