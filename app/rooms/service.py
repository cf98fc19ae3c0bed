"""Watch together's one public door: routes, events, workers and other domains import only this.

The work is done by inner modules, each one responsibility:

- ``changes``: the caller's checks and ``change_room``, the one way a room changes (an atomic
  write through ``store``, with an outbox of events sent once it lands); departures.
- ``membership``: create, join, leave, admin transfer, kicks, sockets connecting and going.
- ``invites``: who may see and enter a room (private rooms), invite codes and their rotation.
- ``playback``: playback commands, sync, reports, the clock and chat.
- ``lifetime``: reaping, closing, the idle sweep.
- ``queries``: read-only views of rooms.
- ``store``: every Redis access of the domain; ``state``: pure functions of a room.
"""
from __future__ import annotations

from app.rooms.errors import (
    InviteInvalid, NotInRoom, NotRoomAdmin, ParticipantNotFound, RoomFull, RoomMismatch, RoomNotFound,
)
from app.rooms.invites import get_invite, rotate_invite
from app.rooms.lifetime import close_idle_rooms, close_room, reap_room
from app.rooms.membership import (
    connect_user, create_room, disconnect_user, join_room, kick_user, leave_room, transfer_admin,
)
from app.rooms.playback import (
    chat_message, heartbeat, playback_action, player_state, sync_request, time_sync, update_time,
)
from app.rooms.queries import get_room, list_public_rooms, room_providers, stats

__all__ = [
    "InviteInvalid", "NotInRoom", "NotRoomAdmin", "ParticipantNotFound", "RoomFull", "RoomMismatch", "RoomNotFound",
    "create_room", "join_room", "leave_room", "transfer_admin", "kick_user", "connect_user", "disconnect_user",
    "get_invite", "rotate_invite",
    "playback_action", "update_time", "sync_request", "heartbeat", "time_sync", "player_state", "chat_message",
    "get_room", "list_public_rooms", "stats", "room_providers",
    "reap_room", "close_room", "close_idle_rooms",
]
