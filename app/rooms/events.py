"""Socket.IO handlers for watch together (default namespace): identity, one service call, reply.

Every handler answers through the acknowledgement with the HTTP envelope and, on failure,
also emits ``error`` ``{code, message, event}`` to the sender.
"""
from __future__ import annotations

import logging
from functools import wraps

import marshmallow as ma
from flask import request, session
from socketio.exceptions import ConnectionRefusedError

from app.core.envelope import ok
from app.core.identity import resolve_token
from app.platform.metrics import SOCKETIO_CONNECTIONS, SOCKETIO_EVENTS
from app.core.outage import REDIS_OUTAGE_ERRORS, RedisUnavailableError
from app.core.socket_packets import check_payload
from app.errors import AppError, AuthenticationError, ValidationError, error_body
from app.extensions import socketio
from app.platform.sockets import answer_failure
from app.rooms import playback, schemas, service

log = logging.getLogger(__name__)


def _flatten(messages, prefix: str = "") -> dict:
    fields = {}
    for name, problem in (messages.items() if isinstance(messages, dict) else [("payload", messages)]):
        path = f"{prefix}{name}"
        if isinstance(problem, dict):
            fields.update(_flatten(problem, f"{path}."))
        else:
            fields[path] = problem
    return fields


_schemas: dict[type, ma.Schema] = {}


def _schema(schema_cls) -> ma.Schema:
    # Building a schema deep-copies its fields (and nested schemas): a third of the cost of
    # validating a playback action. Loading keeps no state on the instance, so one per class.
    instance = _schemas.get(schema_cls)
    if instance is None:
        instance = _schemas[schema_cls] = schema_cls()
    return instance


def load_payload(schema_cls, payload) -> dict:
    """Validate a socket payload with the REST schema; errors name each field like HTTP 422s."""
    if not isinstance(payload, dict):
        raise ValidationError("The payload must be an object", field="payload")
    try:
        return _schema(schema_cls).load(payload)
    except ma.ValidationError as exc:
        fields = _flatten(exc.messages)
        raise ValidationError("The payload is not valid: " + ", ".join(sorted(fields)),
                              details={"fields": fields}) from exc


def _identity():
    identity = session.get("identity")
    if identity is None:
        raise AuthenticationError("The connection is not authenticated")
    return identity


def room_event(name: str, schema_cls=None):
    """Register ``func(identity, body)`` as the handler of ``name`` with the envelope contract."""

    def decorator(func):
        @wraps(func)
        def handler(*args):
            try:
                identity = _identity()
                check_payload(args)
                body = load_payload(schema_cls, args[0] if args else None) if schema_cls else None
                result = func(identity, body)
                SOCKETIO_EVENTS.labels(name, "ok").inc()
                return ok(result)
            except AppError as exc:
                failure = exc
            except REDIS_OUTAGE_ERRORS:  # room state lives in Redis: the client retries after the outage
                failure = RedisUnavailableError()
            except Exception:  # a handler never dies on a client's input; log and answer
                log.exception("socket event %s failed", name)
                failure = AppError()
            SOCKETIO_EVENTS.labels(name, failure.code).inc()
            return answer_failure(name, failure)

        socketio.on_event(name, handler)
        return func

    return decorator


@socketio.on("connect")
def on_connect(auth=None):
    token = auth.get("token") if isinstance(auth, dict) else None
    try:
        identity = resolve_token(token)
        if identity.user_id is None:
            raise AuthenticationError("Rooms need a user token")
    except AppError as exc:
        SOCKETIO_EVENTS.labels("connect", exc.code).inc()
        # connect_error carries the message, and the envelope's error object as ``data``
        raise ConnectionRefusedError(exc.message, error_body(exc.code, exc.message, exc.details)["error"])
    session["identity"] = identity
    SOCKETIO_CONNECTIONS.inc()
    SOCKETIO_EVENTS.labels("connect", "ok").inc()
    try:
        service.connect_user(identity, request.sid)
    except Exception:  # a failed rejoin must not refuse the connection itself
        log.exception("rejoin on connect failed")


@socketio.on("disconnect")
def on_disconnect(*_reason):
    identity = session.get("identity")
    if identity is None:
        return
    SOCKETIO_CONNECTIONS.dec()
    try:
        service.disconnect_user(str(identity.user_id), request.sid)
    except Exception:
        log.exception("disconnect bookkeeping failed")


@room_event("create_room", schemas.CreateRoomSchema)
def create_room(identity, body):
    return service.create_room(identity, body, request.sid)


@room_event("join_room", schemas.SocketRoomRefSchema)
def join_room(identity, body):
    service.check_claims(identity, body)
    return service.join_room(identity, body["room_id"], request.sid)


@room_event("leave_room", schemas.SocketRoomRefSchema)
def leave_room(identity, body):
    service.check_claims(identity, body)
    return service.leave_room(identity, body["room_id"], request.sid)


@room_event("playback_action", schemas.SocketPlaybackSchema)
def playback_action(identity, body):
    return playback.playback_action(identity, body["room_id"], body["action"], request.sid, body)


@room_event("update_time", schemas.UpdateTimeSchema)
def update_time(identity, body):
    return playback.update_time(identity, body["room_id"], body["current_time"], body)


@room_event("sync_request", schemas.SocketRoomRefSchema)
def sync_request(identity, body):
    return playback.sync_request(identity, body["room_id"], request.sid, body)


@room_event("heartbeat", schemas.HeartbeatSchema)
def heartbeat(identity, body):
    return playback.heartbeat(identity, body["room_id"], body.get("rtt_ms"), body)


@room_event("time_sync", schemas.TimeSyncSchema)
def time_sync(identity, body):
    return playback.time_sync(body["client_time"])


@room_event("player_state", schemas.PlayerStateSchema)
def player_state(identity, body):
    return playback.player_state(identity, body["room_id"], body)


@room_event("chat_message", schemas.ChatSchema)
def chat_message(identity, body):
    return playback.chat_message(identity, body["room_id"], body["text"], body)


@room_event("transfer_admin", schemas.SocketTransferAdminSchema)
def transfer_admin(identity, body):
    return service.transfer_admin(identity, body["room_id"], body["new_admin_id"], body)


@room_event("kick_user", schemas.SocketKickUserSchema)
def kick_user(identity, body):
    return service.kick_user(identity, body["room_id"], body["user_id_to_kick"], body)
