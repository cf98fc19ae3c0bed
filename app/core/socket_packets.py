"""Socket.IO packets read strictly: what the server's serializer is made of.

A Socket.IO event is ``[name, payload...]`` in JSON. python-socketio decodes it with the standard
``json`` module, where a thousand-deep payload raises ``RecursionError`` inside the server (the
event is dropped and the client's acknowledgement never comes) and a lone surrogate reaches the
handler. ``StrictPacket`` decodes with ``app.core.strict_json`` instead and, when the payload is
refused, still delivers the event, with an ``InvalidPayload`` in place of its arguments, so the
handler answers through the acknowledgement like for any other invalid payload.
"""
from __future__ import annotations

import json
import re

from socketio import packet as sio_packet

from app.core import strict_json
from app.errors import ValidationError

INVALID_EVENT_NAME = "invalid_payload"  # the event name when even the name could not be read
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


class StrictPacket(sio_packet.Packet):
    """A Socket.IO packet whose JSON is read by ``strict_json`` (set as the server's serializer)."""

    json = _StrictCodec

    def decode(self, encoded_packet):
        try:
            return super().decode(encoded_packet)
        except strict_json.InvalidJson as exc:
            text = encoded_packet if isinstance(encoded_packet, str) else ""
            if self.packet_type in (sio_packet.EVENT, sio_packet.BINARY_EVENT):
                start = text.find("[")
                self.data = [_event_name(text[start:] if start >= 0 else ""), InvalidPayload(_validation_error(exc))]
            else:
                self.data = None  # a CONNECT without readable auth is refused by the connect handler
            return 0


def check_payload(args: tuple) -> None:
    """Raise the refusal decoding stored in place of an event's arguments, if any."""
    for arg in args:
        if isinstance(arg, InvalidPayload):
            raise arg.error
