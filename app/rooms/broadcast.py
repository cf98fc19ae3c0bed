"""Sending room events: a Socket.IO room per watch room, via the message queue, and room timers.

``socketio.emit`` and ``enter_room``/``leave_room`` go through the Redis message queue, so they
reach sockets held by any web process, and work from REST views and Celery tasks alike. Emits
to one socket or to every socket of a user are the platform's (``app.platform.sockets``).
"""
from __future__ import annotations

import logging
import threading

from flask import current_app
from socketio.packet import Packet
from socketio.pubsub_manager import PubSubManager

from app.extensions import redis, socketio
from app.platform.sockets import NAMESPACE

log = logging.getLogger(__name__)


def channel(room_id: str) -> str:
    return f"watch:{room_id}"


def to_room(room_id: str, event: str, data: dict, skip_sid: str | None = None) -> None:
    socketio.emit(event, data, to=channel(room_id), skip_sid=skip_sid, namespace=NAMESPACE)


def queued_room_emit(room_id: str, event: str, data: dict, skip_sid: str | None = None) -> tuple[str, str, dict] | None:
    """(channel, text, message) to publish a room emit from the room's own Lua write, or None.

    The Redis message queue's publish is a round trip of its own after every change; when the
    queue is the rooms' Redis, the compare-and-set script publishes the same message (the
    Socket.IO manager's format) in the same call, and ``deliver_here`` then delivers it to this
    process's sockets, as ``emit`` would have. Other processes receive it as any queued emit.
    """
    manager = socketio.server.manager if socketio.server else None
    if not isinstance(manager, PubSubManager) or getattr(manager, "redis_url", None) != redis.url:
        return None
    if Packet.data_is_binary([data]):
        return None
    message = {"method": "emit", "event": event, "data": [data], "binary": False, "namespace": NAMESPACE,
               "room": channel(room_id), "skip_sid": skip_sid, "callback": None, "host_id": manager.host_id}
    return manager.channel, manager.json.dumps(message), message


def deliver_here(message: dict) -> None:
    socketio.server.manager._handle_emit(message)  # what PubSubManager.emit does before it publishes


def enter(sid: str, room_id: str) -> None:
    socketio.server.enter_room(sid, channel(room_id), namespace=NAMESPACE)


def leave(sid: str, room_id: str) -> None:
    socketio.server.leave_room(sid, channel(room_id), namespace=NAMESPACE)


def later(delay_s: float, func, *args) -> None:
    """Run ``func(*args)`` in an app context after ``delay_s``, as a greenlet of this process.

    Timers are a courtesy for prompt events; correctness never depends on one firing, since
    every room change reaps stale members and the beat sweep closes what timers missed.
    """
    app = current_app._get_current_object()

    def run():
        with app.app_context():
            try:
                func(*args)
            except Exception:  # a timer must never take the worker down
                log.exception("room timer %s failed", getattr(func, "__name__", func))

    # Under the gevent worker threading is monkey-patched, so this is a cheap greenlet.
    timer = threading.Timer(delay_s, run)
    timer.daemon = True
    timer.start()
