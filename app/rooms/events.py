"""Socket.IO handlers for watch together (default namespace): identity, one service call, reply.

Every handler answers through the acknowledgement with the HTTP envelope and, on failure,
also emits ``error`` ``{code, message, event}`` to the sender (``app.platform.sockets``, which
also authenticates the connection; rooms add their bookkeeping to its connect and disconnect).
"""
from __future__ import annotations

from flask import request

from app.platform.sockets import on_connect, on_disconnect, socket_event
from app.rooms import schemas, service


@on_connect
def rejoin_rooms(identity, sid):
    service.connect_user(identity, sid)


@on_disconnect
def hold_places(identity, sid):
    service.disconnect_user(str(identity.user_id), sid)


@socket_event("create_room", schemas.CreateRoomSchema)
def create_room(identity, body):
    return service.create_room(identity, body, request.sid)


@socket_event("join_room", schemas.SocketJoinRoomSchema)
def join_room(identity, body):
    return service.join_room(identity, body["room_id"], request.sid, body)


@socket_event("get_invite", schemas.SocketRoomRefSchema)
def get_invite(identity, body):
    return service.get_invite(identity, body["room_id"], body)


@socket_event("rotate_invite", schemas.SocketRoomRefSchema)
def rotate_invite(identity, body):
    return service.rotate_invite(identity, body["room_id"], body)


@socket_event("leave_room", schemas.SocketRoomRefSchema)
def leave_room(identity, body):
    return service.leave_room(identity, body["room_id"], request.sid, body)


@socket_event("playback_action", schemas.SocketPlaybackSchema)
def playback_action(identity, body):
    return service.playback_action(identity, body["room_id"], body["action"], request.sid, body)


@socket_event("update_time", schemas.UpdateTimeSchema)
def update_time(identity, body):
    return service.update_time(identity, body["room_id"], body["current_time"], body)


@socket_event("sync_request", schemas.SocketRoomRefSchema)
def sync_request(identity, body):
    return service.sync_request(identity, body["room_id"], request.sid, body)


@socket_event("heartbeat", schemas.HeartbeatSchema)
def heartbeat(identity, body):
    return service.heartbeat(identity, body["room_id"], body.get("rtt_ms"), body)


@socket_event("time_sync", schemas.TimeSyncSchema)
def time_sync(identity, body):
    return service.time_sync(body["client_time"])


@socket_event("player_state", schemas.PlayerStateSchema)
def player_state(identity, body):
    return service.player_state(identity, body["room_id"], body)


@socket_event("chat_message", schemas.ChatSchema)
def chat_message(identity, body):
    return service.chat_message(identity, body["room_id"], body["text"], body)


@socket_event("transfer_admin", schemas.SocketTransferAdminSchema)
def transfer_admin(identity, body):
    return service.transfer_admin(identity, body["room_id"], body["new_admin_id"], body)


@socket_event("kick_user", schemas.SocketKickUserSchema)
def kick_user(identity, body):
    return service.kick_user(identity, body["room_id"], body["user_id_to_kick"], body)
