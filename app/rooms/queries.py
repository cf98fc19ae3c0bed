"""Read-only views of rooms: a room as clients see it, one room, the public list, the sync and load
stats, usable providers."""
from __future__ import annotations

import time

from app.core.identity import Identity
from app.core.timeutil import now_ms
from app.providers import service as providers
from app.rooms import state as st
from app.rooms import store
from app.rooms.changes import can_see
from app.rooms.errors import RoomNotFound


def room_view(room: dict, participants: dict) -> dict:
    return {
        "id": room["id"], "roomId": room["id"], "name": room["name"], "adminId": room["adminId"],
        "createdAt": room["createdAt"], "lastActivity": room["lastActivity"], "version": room["version"],
        "options": room["options"], "currentState": dict(room["state"]),
        "participants": st.participants_view(room, participants), "participantCount": len(participants),
        "spreadMs": st.spread_ms(participants), "pendingPlay": room.get("pendingPlay"), "serverTime": now_ms(),
    }


def get_room(actor: Identity, room_id: str) -> dict:
    """A room as its members see it; a private room the caller may not see does not exist for them."""
    loaded = store.load(room_id)
    if loaded is None or not can_see(*loaded, actor):
        raise RoomNotFound()
    return room_view(*loaded)


def list_public_rooms(page: int, per_page: int) -> tuple[list[dict], int]:
    ids, total = store.public_room_ids((page - 1) * per_page, per_page)
    rooms = []
    for room_id in ids:
        loaded = store.load(room_id)
        if loaded is None:
            store.forget(room_id)
            continue
        rooms.append(room_view(*loaded))
    return rooms, total


def stats(actor: Identity) -> dict:
    """Counts over every room; the per-room spreads list only rooms the caller may see (public
    ones, and private ones they belong to or, for platform admins, all)."""
    rooms = participants = connected = 0
    spreads, all_spreads = [], []
    for room_id in store.all_room_ids():
        loaded = store.load(room_id)
        if loaded is None:
            continue
        room, members = loaded
        rooms += 1
        participants += len(members)
        connected += sum(1 for m in members.values() if m["sids"])
        if can_see(room, members, actor):
            spreads.append({"roomId": room_id, "spreadMs": st.spread_ms(members)})
        all_spreads.append(st.spread_ms(members))
    minute = int(time.time() // 60)
    measured = [spread for spread in all_spreads if spread is not None]
    return {"rooms": rooms, "participants": participants, "connectedParticipants": connected,
            "eventsPerMinute": store.events_in_minute(minute - 1) + store.events_in_minute(minute),
            "maxSpreadMs": max(measured) if measured else None, "rooms_detail": spreads, "serverTime": now_ms()}


def room_providers() -> list[dict]:
    return [{"id": p.id, "name": p.name, "priority": p.priority} for p in providers.list_providers()]
