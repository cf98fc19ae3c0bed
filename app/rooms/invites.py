"""Who may see and enter a room: private rooms, their invite codes, and the rotation of a code.

A private room's id reaches only its members and platform admins. Everyone else is answered as
if the room did not exist: ``ROOM_NOT_FOUND`` without an invite code, ``INVITE_INVALID`` with a
wrong one (a code sent to a room that does not exist gets ``INVITE_INVALID`` too), so neither
answer tells a private room from a missing one. Every room has a code (it is only needed to
enter a private room); the room admin replaces it, which invalidates the old one at once.
"""
from __future__ import annotations

import hmac
import secrets

from app.core.identity import Identity
from app.rooms import store
from app.rooms import state as st
from app.rooms.changes import actor_id, can_see, cfg, change_room, check_claims, require_member
from app.rooms.errors import InviteInvalid, NotRoomAdmin, RoomNotFound

CODE_BYTES = 16  # 128 bits: as unguessable as a session token


def new_invite(now: int) -> dict:
    return {"code": secrets.token_urlsafe(CODE_BYTES), "rotatedAt": now}


def _matches(room: dict, code: str | None) -> bool:
    expected = (room.get("invite") or {}).get("code")
    if not code or not expected:
        return False
    return hmac.compare_digest(code.encode(), expected.encode())  # constant time: no guessing by timing


def admit(room: dict, participants: dict, actor: Identity, code: str | None) -> None:
    """Let a new member in, or refuse as a missing room would (see the module's docstring)."""
    if can_see(room, participants, actor) or _matches(room, code):
        return
    if code:
        raise InviteInvalid()
    raise RoomNotFound()


def invite_link(room_id: str, code: str) -> str:
    return cfg("ROOM_INVITE_URL").format(roomId=room_id, inviteCode=code)


def invite_view(room: dict) -> dict:
    invite = room.get("invite") or {}
    code = invite.get("code")
    return {"roomId": room["id"], "isPublic": not st.is_private(room), "inviteCode": code,
            "inviteLink": invite_link(room["id"], code) if code else None, "rotatedAt": invite.get("rotatedAt")}


def get_invite(actor: Identity, room_id: str, body: dict | None = None) -> dict:
    """The room's current invite, for its members."""
    check_claims(actor, body or {})
    loaded = store.load(room_id)
    if loaded is None:
        raise RoomNotFound()
    room, participants = loaded
    require_member(room, participants, actor)
    return invite_view(room)


def rotate_invite(actor: Identity, room_id: str, body: dict | None = None) -> dict:
    """Replace the room's invite code (room admin only); the old code stops working at once.

    The room hears ``invite_changed`` with the new invite (members may read it anyway).
    """
    uid = actor_id(actor)
    check_claims(actor, body or {})

    def change(room, participants, outbox, now):
        require_member(room, participants, actor)
        if room["adminId"] != uid:
            raise NotRoomAdmin()
        room["invite"] = new_invite(now)
        view = invite_view(room)
        outbox.room(room["id"], "invite_changed", {**view, "serverTime": now})
        return view

    result, _, _ = change_room(room_id, change)
    return result
