"""How rooms end: reaping members past their grace, closing a room, and the idle sweep (beat)."""
from __future__ import annotations

from app.core.timeutil import now_ms
from app.rooms import store
from app.rooms.changes import cfg, change_room, close_if_empty
from app.rooms.errors import RoomNotFound


def reap_room(room_id: str) -> None:
    """Drop members past their grace (timer and sweep entry point); closes an emptied room."""
    try:
        change_room(room_id, lambda room, participants, outbox, now: None)
    except RoomNotFound:
        return
    close_if_empty(room_id)


def close_room(room_id: str, reason: str) -> bool:
    def change(room, participants, outbox, now):
        room["closed"] = True
        outbox.room(room["id"], "room_closed", {"roomId": room["id"], "reason": reason, "serverTime": now})
        for uid, member in participants.items():
            outbox.leave(room["id"], member["sids"])
            store.remove_user_room(uid, room["id"])

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
