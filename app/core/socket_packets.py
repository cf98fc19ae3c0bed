"""Socket.IO packets read strictly: what the server's serializer is made of.

A Socket.IO event is ``[name, payload...]`` in JSON. python-socketio decodes it with the standard
``json`` module, where a thousand-deep payload raises ``RecursionError`` inside the server (the
event is dropped and the client's acknowledgement never comes) and a lone surrogate reaches the
handler. ``StrictPacket`` decodes with ``app.core.strict_json`` instead and, when the payload is
refused, still delivers the event, with an ``InvalidPayload`` in place of its arguments, so the
handler answers through the acknowledgement like for any other invalid payload.

The same goes for an event whose JSON parses but is not an event: not an array (``421{"a":1}``),
an empty one (``422[]``), a name that is not text or is one of the library's own
(``["disconnect"]`` would run the disconnect handler on a live socket). python-socketio indexes
such a packet and raises ``KeyError``/``IndexError`` before any handler runs; here it becomes an
``invalid_payload`` event answered ``VALIDATION_ERROR``.

What is not a Socket.IO event at all is garbage below the events, and closes that one
connection with one warning line: an Engine.IO frame that does not decode (an empty frame, an
unknown packet type, bad base64) becomes a ``CLOSE`` packet (``StrictEnginePacket``), and a
Socket.IO packet the library refuses is answered by ``app.platform.sockets``' message guard.
"""
from __future__ import annotations

import json
import logging
import re

from engineio import packet as eio_packet
from socketio import packet as sio_packet

from app.core import strict_json
from app.errors import ValidationError

log = logging.getLogger(__name__)

INVALID_EVENT_NAME = "invalid_payload"  # the event name when even the name could not be read
RESERVED_EVENT_NAMES = ("connect", "disconnect")  # python-socketio calls these handlers directly
MAX_EVENT_NAME = 128
_EVENT_NAME = re.compile(r'^\s*\[\s*"((?:[^"\\]|\\.){1,128})"')


class InvalidPayload:
    """Stands for the arguments of an event whose JSON was refused; carries the error to answer."""

    __slots__ = ("error",)

    def __init__(self, error: ValidationError) -> None:
        self.error = error


def _validation_error(exc: strict_json.InvalidJson) -> ValidationError:
    # the document is [name, payload, ...]: index 1 is the payload, its keys are the fields
    field = exc.field(prefix=(1,)) if exc.path[:1] == (1,) else exc.field()
    details = {"reason": exc.reason, "fields": {field or "payload": [exc.message]}}
    if exc.reason == "depth":
        details = {"reason": exc.reason, "maxDepth": strict_json.MAX_DEPTH, "fields": {"payload": [exc.message]}}
    message = f"{field}: {exc.message}" if exc.reason == "surrogate" and field else exc.message
    return ValidationError(message, details=details)


def _event_name(text: str) -> str:
    match = _EVENT_NAME.match(text)
    if not match:
        return INVALID_EVENT_NAME
    try:
        name = json.loads(f'"{match.group(1)}"')
    except ValueError:
        return INVALID_EVENT_NAME
    return name if not strict_json._SURROGATE.search(name) else INVALID_EVENT_NAME


class _StrictCodec:
    dumps = staticmethod(json.dumps)
    loads = staticmethod(strict_json.loads)


class GarbagePacket(ValueError):
    """A Socket.IO packet that is no packet: the connection that sent it is closed."""


def _shape_error(data) -> ValidationError | None:
    """Why decoded event data is not ``[name, payload...]``, or None when it is."""
    if not isinstance(data, list) or not data:
        return ValidationError("An event is a JSON array [name, payload...]", field="event")
    name = data[0]
    if not isinstance(name, str) or not 0 < len(name) <= MAX_EVENT_NAME:
        return ValidationError(f"An event's name is text of 1 to {MAX_EVENT_NAME} characters", field="event")
    if name in RESERVED_EVENT_NAMES:
        return ValidationError(f"{name!r} is not an event a client sends", field="event")
    return None


class StrictPacket(sio_packet.Packet):
    """A Socket.IO packet whose JSON is read by ``strict_json`` (set as the server's serializer)."""

    json = _StrictCodec

    def decode(self, encoded_packet):
        try:
            attachments = super().decode(encoded_packet)
        except strict_json.InvalidJson as exc:
            text = encoded_packet if isinstance(encoded_packet, str) else ""
            if self.packet_type in (sio_packet.EVENT, sio_packet.BINARY_EVENT):
                start = text.find("[")
                self.data = [_event_name(text[start:] if start >= 0 else ""), InvalidPayload(_validation_error(exc))]
                self.packet_type = sio_packet.EVENT  # answered now, not held for attachments
            elif self.packet_type == sio_packet.CONNECT:
                self.data = None  # a CONNECT without readable auth is refused by the connect handler
            else:
                raise GarbagePacket(f"unreadable JSON in a packet of type {self.packet_type}") from None
            return 0
        if self.packet_type in (sio_packet.EVENT, sio_packet.BINARY_EVENT):
            refusal = _shape_error(self.data)
            if refusal is not None:
                self.data = [INVALID_EVENT_NAME, InvalidPayload(refusal)]
                self.packet_type = sio_packet.EVENT  # answered now; attachments it announced are garbage
                return 0
        return attachments


class StrictEnginePacket(eio_packet.Packet):
    """An Engine.IO packet that cannot fail to decode: an unreadable frame is a ``CLOSE``.

    The library decodes a websocket frame outside its error handling (the frame's greenlet dies
    with a traceback and the socket lingers until its ping timeout) and refuses a bad polling
    body with a traceback per request. A ``CLOSE`` makes the socket close itself, like a client
    leaving, and nothing else notices.
    """

    def decode(self, encoded_packet):
        try:
            super().decode(encoded_packet)
            if 0 <= self.packet_type < len(eio_packet.packet_names):
                return
            problem = f"unknown packet type {self.packet_type}"
        except (ValueError, TypeError, IndexError) as exc:  # binascii.Error is a ValueError
            problem = f"{type(exc).__name__}: {exc}"
        log.warning("closing a Socket.IO connection: unreadable Engine.IO frame %r (%s)",
                    encoded_packet[:40], problem[:200])
        self.packet_type, self.data, self.binary = eio_packet.CLOSE, None, False


def install_engine_packet_guard() -> None:
    """Make Engine.IO decode every frame with ``StrictEnginePacket`` (idempotent).

    Engine.IO has no option for its packet class (its sockets and payloads look up
    ``engineio.packet.Packet`` when they decode), so the module attribute is the one hook, as
    python-socketio itself sets ``Packet.json`` for its ``json`` option.
    """
    eio_packet.Packet = StrictEnginePacket


def check_payload(args: tuple) -> None:
    """Raise the refusal decoding stored in place of an event's arguments, if any."""
    for arg in args:
        if isinstance(arg, InvalidPayload):
            raise arg.error
