"""Watch-together rooms: membership, admin rules, lifetime and queries.

Every change goes through ``change_room``: the pure change runs inside an optimistic Redis
transaction (``store.mutate``) and queues the events it causes in an outbox, which is only
sent once the change is committed, so nobody hears of an update that was retried or refused.
Playback, sync and chat live in ``app.rooms.playback`` on top of the same helpers.
"""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from typing import Any, Callable

from flask import current_app

from app.core.identity import Identity
from app.core.timeutil import now_ms
from app.errors import AppError, AuthorizationError, ValidationError, wire_name
from app.extensions import redis
from app.platform import sockets
from app.providers import service as providers
from app.rooms import broadcast, keys, store
from app.rooms import state as st

log = logging.getLogger(__name__)


class RoomFull(AppError):
    code, status, message = "ROOM_FULL", 409, "The room is full"


class NotRoomAdmin(AppError):
    code, status, message = "NOT_ROOM_ADMIN", 403, "Only the room admin can do this"


class NotInRoom(AppError):
    code, status, message = "NOT_IN_ROOM", 403, "You are not in this room"


class ParticipantNotFound(AppError):
    code, status, message = "PARTICIPANT_NOT_FOUND", 404, "That user is not in this room"


RoomNotFound = store.RoomNotFound


@dataclass
class Outbox:
    """Events and timers a change causes, released after its commit."""

    emits: list[tuple[str, dict, dict]] = field(default_factory=list)
    timers: list[tuple[float, Callable, tuple]] = field(default_factory=list)
    queued: dict[int, dict] = field(default_factory=dict)  # emit index -> message the store published

    def publications(self) -> list[tuple[str, str]]:
        """The room emits as message-queue publications, for the store to send with its write."""
        self.queued.clear()
        out = []
        for index, (event, data, target) in enumerate(self.emits):
            if event != "__leave__" and target.get("room_id"):
                queued = broadcast.queued_room_emit(target["room_id"], event, data, target.get("skip_sid"))
                if queued is not None:
                    out.append(queued[:2])
                    self.queued[index] = queued[2]
        return out

    def room(self, room_id: str, event: str, data: dict, skip_sid: str | None = None) -> None:
        self.emits.append((event, data, {"room_id": room_id, "skip_sid": skip_sid}))

    def caller(self, actor_uid: str, sid: str | None, event: str, data: dict) -> None:
        """To the sending socket, or to every socket of the user when the caller used REST."""
        self.emits.append((event, data, {"sid": sid, "user_id": None if sid else actor_uid}))

    def leave(self, room_id: str, sids: list[str]) -> None:
        self.emits.append(("__leave__", {}, {"room_id": room_id, "sids": list(sids)}))

    def later(self, delay_s: float, func: Callable, *args) -> None:
        self.timers.append((delay_s, func, args))

    def flush(self) -> None:
        for index, (event, data, target) in enumerate(self.emits):
            if index in self.queued:
                broadcast.deliver_here(self.queued[index])  # already published with the write
            elif event == "__leave__":
                for sid in target["sids"]:
                    broadcast.leave(sid, target["room_id"])
            elif target.get("room_id"):
                broadcast.to_room(target["room_id"], event, data, skip_sid=target.get("skip_sid"))
            elif target.get("sid"):
                sockets.to_sid(target["sid"], event, data)
            elif target.get("user_id"):
                sockets.to_user(target["user_id"], event, data)
        for delay, func, args in self.timers:
            broadcast.later(delay, func, *args)


def cfg(name: str) -> Any:
    return current_app.config[name]


def ttl_s() -> int:
    # Keys outlive the idle limit a little so the sweep, not expiry, normally closes rooms.
    return int(cfg("ROOM_IDLE_TTL")) + 3600


def actor_id(actor: Identity) -> str:
    if actor is None or actor.user_id is None:
        raise AuthorizationError("Rooms need a signed-in user")
    return str(actor.user_id)


def check_claims(actor: Identity, body: dict, *names: str) -> None:
    """Legacy bodies name their sender; a name that is not the caller's is refused."""
    uid = actor_id(actor)
    for name in ("user_id", *names):
        claimed = body.get(name)
        if claimed is not None and str(claimed) != uid:
            field = wire_name(name)
            raise AuthorizationError(f"{field} does not match the signed-in user", details={"field": field})


def server_time() -> int:
    return now_ms()


def change_room(room_id: str, change: Callable[[dict, dict, Outbox, int], Any]) -> tuple[Any, dict, dict]:
    """Apply ``change(room, participants, outbox, now)`` atomically, then send what it queued.

    Members past their grace are reaped inside the same transaction, so a room never waits on
    someone who vanished, even when no timer fired (e.g. the process that owned it died).
    """
    outbox = Outbox()

    def apply(room: dict, participants: dict):
        del outbox.emits[:], outbox.timers[:]  # a retried attempt starts clean
        outbox.queued.clear()
        now = now_ms()
        _reap(room, participants, outbox, now)
        result = change(room, participants, outbox, now)
        room["lastActivity"] = now
        return result

    result, room, participants = store.mutate(room_id, apply, ttl_s(), publications=outbox.publications)
    outbox.flush()
    return result, room, participants


def _reap(room: dict, participants: dict, outbox: Outbox, now: int) -> None:
    grace_ms = int(cfg("ROOM_REJOIN_GRACE") * 1000)
    for uid in st.stale_members(participants, now, grace_ms, int(cfg("ROOM_HEARTBEAT_TIMEOUT") * 1000)):
        depart(room, participants, outbox, uid, now, reason="timeout")


def depart(room: dict, participants: dict, outbox: Outbox, uid: str, now: int, reason: str) -> None:
    """Remove a member and queue user_left / admin_changed and, if it emptied, the close timer."""
    changed = st.remove_member(room, participants, uid, now)
    view = st.participants_view(room, participants)
    outbox.room(room["id"], "user_left", {"userId": uid, "participants": view, "reason": reason,
                                          "serverTime": now})
    if changed:
        outbox.room(room["id"], "admin_changed", {**changed, "participants": view, "serverTime": now})
    redis.srem(keys.user_rooms(uid), room["id"])
    if not participants:
        outbox.later(float(cfg("ROOM_EMPTY_GRACE")) + 0.05, close_if_empty, room["id"])


def room_view(room: dict, participants: dict) -> dict:
    return {
        "id": room["id"], "roomId": room["id"], "name": room["name"], "adminId": room["adminId"],
        "createdAt": room["createdAt"], "lastActivity": room["lastActivity"], "version": room["version"],
        "options": room["options"], "currentState": dict(room["state"]),
        "participants": st.participants_view(room, participants), "participantCount": len(participants),
        "spreadMs": st.spread_ms(participants), "pendingPlay": room.get("pendingPlay"), "serverTime": now_ms(),
    }


def user_sockets(uid: str) -> list[str]:
    """Every socket the user has open on any process (stale ids of dead processes are harmless:
    entering or leaving a room for an unknown sid is a no-op in the Socket.IO manager)."""
    return list(redis.smembers(keys.user_sockets(uid)))


def require_member(participants: dict, uid: str) -> dict:
    member = participants.get(uid)
    if member is None:
        raise NotInRoom()
    return member


def default_provider() -> str | None:
    """The provider of a room created without one: ROOM_DEFAULT_PROVIDER (vidnest, as the seeds
    say) while it is enabled, else the enabled provider with the best priority."""
    wanted = cfg("ROOM_DEFAULT_PROVIDER")
    if wanted and providers.is_enabled(wanted):
        return wanted
    enabled = providers.list_providers()
    return enabled[0].id if enabled else None


# ---- membership ------------------------------------------------------------------------

def create_room(actor: Identity, body: dict, sid: str | None = None) -> dict:
    """Create a room with the caller as admin and only member; ``room_created`` goes to the caller."""
    uid = actor_id(actor)
    check_claims(actor, body, "admin_id")
    limit = int(cfg("ROOM_MAX_PARTICIPANTS"))
    wanted = body.get("max_participants") or limit
    if wanted > limit:
        raise ValidationError(f"maxParticipants cannot exceed {limit}", field="maxParticipants")
    provider_id = body.get("provider_id") or default_provider()
    if body.get("provider_id") and not providers.is_enabled(provider_id):
        raise ValidationError(f"Unknown or disabled provider {provider_id!r}", field="providerId")
    now = now_ms()
    room_id = secrets.token_urlsafe(9)
    room = {
        "id": room_id, "name": body["name"], "adminId": uid, "createdAt": now, "lastActivity": now,
        "options": {"controlMode": body.get("control_mode") or st.CONTROL_ADMIN, "maxParticipants": wanted,
                    "isPublic": bool(body.get("is_public", True)), "waitForAll": bool(body.get("wait_for_all", True))},
        "state": st.new_state(str(body["media_id"]), body["media_type"], provider_id,
                              body.get("season"), body.get("episode"), now),
        "kicked": [], "emptySince": None, "pendingPlay": None, "lastTimeBroadcast": 0,
    }
    member = st.new_member(uid, actor.display_name, now)
    if sid:
        member["sids"].append(sid)
    participants = {uid: member}
    store.create(room, participants, ttl_s())
    redis.sadd(keys.user_rooms(uid), room_id)
    redis.expire(keys.user_rooms(uid), ttl_s())
    if sid:
        broadcast.enter(sid, room_id)
    view = room_view(room, participants)
    outbox = Outbox()
    outbox.caller(uid, sid, "room_created", view)
    outbox.flush()
    return view


def join_room(actor: Identity, room_id: str, sid: str | None = None) -> dict:
    """Join (or rejoin within the grace period, keeping place and role).

    The joiner gets ``initial_state``; the room hears ``user_joined`` only for a new member.
    """
    uid = actor_id(actor)

    def change(room, participants, outbox, now):
        if uid in room["kicked"]:
            raise AuthorizationError("You were removed from this room")
        member = participants.get(uid)
        rejoin = member is not None
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

    _, room, participants = change_room(room_id, change)
    redis.sadd(keys.user_rooms(uid), room_id)
    redis.expire(keys.user_rooms(uid), ttl_s())
    for socket_id in [sid] if sid else user_sockets(uid):
        broadcast.enter(socket_id, room_id)
    snapshot = initial_state(room, participants)
    outbox = Outbox()
    outbox.caller(uid, sid, "initial_state", snapshot)
    outbox.flush()
    return snapshot


def initial_state(room: dict, participants: dict) -> dict:
    view = room_view(room, participants)
    return {"room": view, "currentState": view["currentState"], "participants": view["participants"],
            "serverTime": now_ms(), "chat": store.recent_chat(room["id"], int(cfg("ROOM_CHAT_HISTORY")))}


def leave_room(actor: Identity, room_id: str, sid: str | None = None) -> dict:
    """Leave for good; the admin role passes to the longest-present member."""
    uid = actor_id(actor)

    def change(room, participants, outbox, now):
        member = require_member(participants, uid)
        depart(room, participants, outbox, uid, now, reason="left")
        # membership is per user, so every tab of theirs stops hearing the room
        outbox.leave(room["id"], set(member["sids"]) | set(user_sockets(uid)) | ({sid} if sid else set()))
        return {"roomId": room["id"], "userId": uid, "participants": st.participants_view(room, participants),
                "adminId": room["adminId"] if participants else None, "closing": not participants}

    result, _, _ = change_room(room_id, change)
    return result


def connect_user(actor: Identity, sid: str) -> list[str]:
    """A socket of a user came up (its user channel entered): reattach it to the rooms the user
    still belongs to."""
    uid = actor_id(actor)
    redis.sadd(keys.user_sockets(uid), sid)
    redis.expire(keys.user_sockets(uid), 24 * 3600)
    rejoined = []
    for room_id in redis.smembers(keys.user_rooms(uid)):
        try:
            room, participants = store.load(room_id) or (None, {})
            if uid in participants:
                join_room(actor, room_id, sid)
                rejoined.append(room_id)
            else:
                redis.srem(keys.user_rooms(uid), room_id)
        except AppError as exc:  # the room closed or refused us meanwhile: nothing to rejoin
            log.info("no rejoin of %s to %s: %s", uid, room_id, exc.code)
            redis.srem(keys.user_rooms(uid), room_id)
    return rejoined


def disconnect_user(uid: str, sid: str) -> None:
    """A socket went away: its member keeps their place for ``ROOM_REJOIN_GRACE``."""
    redis.srem(keys.user_sockets(uid), sid)
    for room_id in redis.smembers(keys.user_rooms(uid)):
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
        require_member(participants, uid)
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
        require_member(participants, uid)
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
        outbox.leave(room["id"], set(member["sids"]) | set(user_sockets(target)))
        return payload

    result, _, _ = change_room(room_id, change)
    redis.srem(keys.user_rooms(target), room_id)
    return result


# ---- lifetime --------------------------------------------------------------------------

def reap_room(room_id: str) -> None:
    """Drop members past their grace (timer and sweep entry point); closes an emptied room."""
    try:
        change_room(room_id, lambda room, participants, outbox, now: None)
    except RoomNotFound:
        return
    close_if_empty(room_id)


def close_if_empty(room_id: str) -> bool:
    grace_ms = int(cfg("ROOM_EMPTY_GRACE") * 1000)

    def change(room, participants, outbox, now):
        if participants or room.get("emptySince") is None or now - room["emptySince"] < grace_ms:
            return False
        room["closed"] = True
        outbox.room(room["id"], "room_closed", {"roomId": room["id"], "reason": "empty", "serverTime": now})
        return True

    try:
        closed, _, _ = change_room(room_id, change)
    except RoomNotFound:
        return False
    return closed


def close_room(room_id: str, reason: str) -> bool:
    def change(room, participants, outbox, now):
        room["closed"] = True
        outbox.room(room["id"], "room_closed", {"roomId": room["id"], "reason": reason, "serverTime": now})
        for uid, member in participants.items():
            outbox.leave(room["id"], member["sids"])
            redis.srem(keys.user_rooms(uid), room["id"])

    try:
        change_room(room_id, change)
    except RoomNotFound:
        store.forget(room_id)
        return False
    return True


def close_idle_rooms() -> dict:
    """Close rooms idle for ``ROOM_IDLE_TTL``; reap and close-if-empty the rest (beat task)."""
    cutoff = now_ms() - int(cfg("ROOM_IDLE_TTL") * 1000)
    closed = sum(close_room(room_id, "idle") for room_id in store.idle_room_ids(cutoff))
    for room_id in store.all_room_ids():
        if store.load(room_id) is None:
            store.forget(room_id)  # expired underneath us
            continue
        reap_room(room_id)
    return {"closed": closed, "open": len(store.all_room_ids())}
