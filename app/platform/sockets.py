"""Socket.IO plumbing every domain's events share: failure answers and unknown events."""
from __future__ import annotations

from flask import request

from app.core.socket_packets import check_payload
from app.errors import AppError, error_body
from app.extensions import socketio
from app.platform.metrics import SOCKETIO_EVENTS

UNKNOWN_EVENT = "UNKNOWN_EVENT"


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
