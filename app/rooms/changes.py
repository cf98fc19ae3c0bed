"""How a room changes: the caller's checks, one atomic change with its outbox, and departures.

Every change goes through ``change_room``: the pure change runs inside an optimistic Redis
transaction (``store.mutate``) and queues the events it causes in an outbox, which is only
sent once the change is committed, so nobody hears of an update that was retried or refused.
Members past their grace are reaped in every change; a departure that empties a room arms the
close timer (``close_if_empty``, here because it is itself a change).
"""
from __future__ import annotations

from typing import Any, Callable

from flask import current_app

from app.core.identity import Identity
from app.core.timeutil import now_ms
from app.errors import AuthorizationError, wire_name
from app.rooms import state as st
from app.rooms import store
from app.rooms.errors import NotInRoom, RoomNotFound
from app.rooms.outbox import Outbox


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


def can_see(room: dict, participants: dict, actor: Identity) -> bool:
    """Public rooms are seen by every user; a private one by its members and platform admins."""
    return not st.is_private(room) or actor.is_admin or actor_id(actor) in participants


def require_member(room: dict, participants: dict, actor: Identity) -> dict:
    """The caller's member entry; a non-member is told ``NOT_IN_ROOM``, or ``ROOM_NOT_FOUND`` by a
    private room they may not see (so its existence is not confirmed to them)."""
    member = participants.get(actor_id(actor))
    if member is None:
        if not can_see(room, participants, actor):
            raise RoomNotFound()
        raise NotInRoom()
    return member


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
    store.remove_user_room(uid, room["id"])
    if not participants:
        outbox.later(float(cfg("ROOM_EMPTY_GRACE")) + 0.05, close_if_empty, room["id"])


def close_if_empty(room_id: str) -> bool:
    """Close a room that stayed empty for ``ROOM_EMPTY_GRACE`` (timer entry); True if it closed."""
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
