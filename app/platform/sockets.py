"""Socket.IO plumbing every domain's events share.

- ``socket_event(name, schema_cls)``: a handler gets the connection's identity and its payload
  loaded by the REST schema, and answers through the ack with the envelope; every failure
  (``AppError``, a Redis outage, a bug) is answered by ``answer_failure`` and counted.
- The connection: the token travels in the connect ``auth`` payload; an unauthenticated connect
  is refused, an accepted one keeps its identity in the Socket.IO session and its socket enters
  the user's channel. Domains add their own bookkeeping with ``on_connect``/``on_disconnect``.
- Emits that any domain needs: to one socket, to every socket of a user wherever it is
  connected, to every socket of a role (``role:admin``, entered at connect), all through the
  message queue, so REST views and Celery tasks can call them too.
- Events without a handler are answered ``UNKNOWN_EVENT``.
- Garbage below the events (a frame or packet that is no Socket.IO event) closes that one
  connection with one warning line, never a traceback (``guard_packets``).
"""
from __future__ import annotations

import logging
from functools import wraps
from typing import Callable

import marshmallow as ma
from flask import request, session
from socketio.exceptions import ConnectionRefusedError

from app.core.envelope import ok
from app.core.identity import Identity, resolve_token
from app.core.outage import REDIS_OUTAGE_ERRORS, RedisUnavailableError
from app.core.socket_packets import check_payload, install_engine_packet_guard
from app.errors import AppError, AuthenticationError, ValidationError, error_body
from app.extensions import socketio
from app.platform.metrics import SOCKETIO_CONNECTIONS, SOCKETIO_EVENTS

log = logging.getLogger(__name__)

UNKNOWN_EVENT = "UNKNOWN_EVENT"
NAMESPACE = "/"


# ---- failures ---------------------------------------------------------------------------

def answer_failure(event: str, failure: AppError) -> dict:
    """Tell the sender what went wrong: the ``error`` event now, the envelope for the ack."""
    body = error_body(failure.code, failure.message, failure.details)
    socketio.emit("error", {"code": failure.code, "message": failure.message, "event": event,
                            "details": body["error"]["details"]}, to=request.sid)
    return body


def register_unknown_event_handler(socketio) -> None:
    """Any event without a handler is answered ``UNKNOWN_EVENT`` instead of being left unanswered."""
    @socketio.on("*")
    def unknown_event(event, *args):
        known = sorted(name for name in socketio.server.handlers.get("/", {})
                       if name not in ("*", "connect", "disconnect"))
        try:
            check_payload(args)
            failure = AppError(f"There is no event {event!r}", code=UNKNOWN_EVENT, status=404,
                               details={"event": event, "known": known})
        except AppError as exc:
            failure = exc
        SOCKETIO_EVENTS.labels("unknown", failure.code).inc()
        return answer_failure(event, failure)


# ---- payloads ---------------------------------------------------------------------------

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
    # validating a room's playback action. Loading keeps no state on the instance, so one per class.
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


def socket_identity() -> Identity:
    """The identity the connection authenticated with (the payload's user id is never trusted)."""
    identity = session.get("identity")
    if identity is None:
        raise AuthenticationError("The connection is not authenticated")
    return identity


def socket_event(name: str, schema_cls=None):
    """Register ``func(identity, body)`` as the handler of ``name`` with the envelope contract.

    The ack is ``ok(result)``; a failure is answered by ``answer_failure``. A Redis outage is
    ``SERVICE_UNAVAILABLE`` (the state lives there: the client retries after the outage).
    """

    def decorator(func):
        @wraps(func)
        def handler(*args):
            try:
                identity = socket_identity()
                check_payload(args)
                body = load_payload(schema_cls, args[0] if args else None) if schema_cls else None
                result = func(identity, body)
                SOCKETIO_EVENTS.labels(name, "ok").inc()
                return ok(result)
            except AppError as exc:
                failure = exc
            except REDIS_OUTAGE_ERRORS:
                failure = RedisUnavailableError()
            except Exception:  # a handler never dies on a client's input; log and answer
                log.exception("socket event %s failed", name)
                failure = AppError()
            SOCKETIO_EVENTS.labels(name, failure.code).inc()
            return answer_failure(name, failure)

        socketio.on_event(name, handler)
        return func

    return decorator


# ---- emits ------------------------------------------------------------------------------

def user_channel(user_id: str) -> str:
    return f"user:{user_id}"


def to_sid(sid: str, event: str, data: dict) -> None:
    socketio.emit(event, data, to=sid, namespace=NAMESPACE)


def to_user(user_id: str, event: str, data: dict) -> None:
    """To every socket of the user, on whichever process holds it."""
    socketio.emit(event, data, to=user_channel(user_id), namespace=NAMESPACE)


def enter_user(sid: str, user_id: str) -> None:
    socketio.server.enter_room(sid, user_channel(user_id), namespace=NAMESPACE)


def role_channel(role: str) -> str:
    return f"role:{role}"


def to_role(role: str, event: str, data: dict) -> None:
    """To every socket of every user with ``role`` (as the token said at connect), on any process."""
    socketio.emit(event, data, to=role_channel(role), namespace=NAMESPACE)


# ---- the connection ---------------------------------------------------------------------

ConnectHook = Callable[[Identity, str], None]
_connect_hooks: list[ConnectHook] = []
_disconnect_hooks: list[ConnectHook] = []


def on_connect(hook: ConnectHook) -> ConnectHook:
    """Call ``hook(identity, sid)`` when an authenticated socket comes up (after it entered its
    user and role channels). A failing hook is logged: it never refuses the connection."""
    _connect_hooks.append(hook)
    return hook


def on_disconnect(hook: ConnectHook) -> ConnectHook:
    """Call ``hook(identity, sid)`` when an authenticated socket goes away; failures are logged."""
    _disconnect_hooks.append(hook)
    return hook


def register_connection_handlers(socketio) -> None:
    """The authenticated connect and the disconnect, bound by the factory for roles with sockets
    (with the packet guards: garbage closes the connection that sent it)."""
    socketio.on_event("connect", _connect)
    socketio.on_event("disconnect", _disconnect)
    guard_packets(socketio.server)


def guard_packets(server) -> None:
    """Close, with one warning line, the connection whose packet python-socketio cannot handle.

    python-socketio raises from its Engine.IO ``message`` handler on a packet it cannot use (an
    unknown type, a client's CONNECT_ERROR, an unannounced attachment, a malformed binary event),
    and Engine.IO logs the traceback and keeps the connection. Events themselves never get here
    (``StrictPacket`` turns any malformed event into one its handler answers); what does is
    garbage, and the connection that sent it is closed. Engine.IO frames are guarded by
    ``StrictEnginePacket``.
    """
    install_engine_packet_guard()
    handle = server._handle_eio_message  # the handler python-socketio registers on its Engine.IO server
    if getattr(handle, "guarded", False):
        return

    def guarded(eio_sid, data):
        try:
            return handle(eio_sid, data)
        except Exception as exc:  # whatever the library refuses: this client sent no Socket.IO
            log.warning("closing Socket.IO connection %s: unreadable packet %r (%s: %s)", eio_sid,
                        data[:40] if isinstance(data, (str, bytes)) else type(data).__name__,
                        type(exc).__name__, str(exc)[:200])
            server._binary_packet.pop(eio_sid, None)
            server.eio.disconnect(eio_sid)

    guarded.guarded = True
    server._handle_eio_message = guarded
    server.eio.on("message", guarded)


def _connect(auth=None):
    token = auth.get("token") if isinstance(auth, dict) else None
    try:
        identity = resolve_token(token)
        if identity.user_id is None:
            raise AuthenticationError("Rooms need a user token")  # the contract's wording since rooms came first
    except AppError as exc:
        SOCKETIO_EVENTS.labels("connect", exc.code).inc()
        # connect_error carries the message, and the envelope's error object as ``data``
        raise ConnectionRefusedError(exc.message, error_body(exc.code, exc.message, exc.details)["error"])
    session["identity"] = identity
    SOCKETIO_CONNECTIONS.inc()
    SOCKETIO_EVENTS.labels("connect", "ok").inc()
    try:
        enter_user(request.sid, str(identity.user_id))
        socketio.server.enter_room(request.sid, role_channel(identity.role), namespace=NAMESPACE)
    except Exception:  # a socket that missed its channel still serves its own events
        log.exception("entering the user and role channels on connect failed")
        return
    for hook in _connect_hooks:
        try:
            hook(identity, request.sid)
        except Exception:  # a failed hook (e.g. a rejoin) must not refuse the connection itself
            log.exception("connect hook %s failed", getattr(hook, "__qualname__", hook))


def _disconnect(*_reason):
    identity = session.get("identity")
    if identity is None:
        return
    SOCKETIO_CONNECTIONS.dec()
    for hook in _disconnect_hooks:
        try:
            hook(identity, request.sid)
        except Exception:
            log.exception("disconnect hook %s failed", getattr(hook, "__qualname__", hook))
