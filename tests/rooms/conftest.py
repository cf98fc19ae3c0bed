"""Rooms fixtures: two real web processes sharing Redis (short room timers), Socket.IO clients."""
from __future__ import annotations

import threading
import time

import pytest
import socketio

from tests.support.processes import ServerProcess

# Short timers so lifetime rules are observable in a fast suite; the in-process app uses the same.
ROOM_TEST_SETTINGS = {
    "ROOM_REJOIN_GRACE": "1.5",
    "ROOM_EMPTY_GRACE": "0.5",
    "ROOM_READY_TIMEOUT": "1.0",
    "ROOM_TIME_BROADCAST_INTERVAL": "1.0",
    "ROOM_HEARTBEAT_TIMEOUT": "5",
    "ROOM_CHAT_RATE_LIMIT": "3",
    "ROOM_CHAT_RATE_WINDOW": "2",
    "ROOM_MAX_PARTICIPANTS": "4",
    "RATE_LIMIT_ENABLED": "false",
}


@pytest.fixture(scope="session")
def room_servers(app, test_env):
    """Two gunicorn + gevent-websocket processes sharing one Redis (and its Socket.IO queue)."""
    servers = [ServerProcess(test_env, extra_env=ROOM_TEST_SETTINGS) for _ in range(2)]
    try:
        for server in servers:
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def server(room_servers):
    return room_servers[0]


@pytest.fixture(autouse=True)
def _room_settings(app):
    saved = {name: app.config.get(name) for name in ROOM_TEST_SETTINGS}
    for name, value in ROOM_TEST_SETTINGS.items():
        if name.startswith("ROOM_"):
            app.config[name] = float(value) if "." in value else int(value)
    yield
    app.config.update(saved)


class Sock:
    """A real python-socketio client that records every event it receives."""

    def __init__(self, url: str, token: str | None, transports=("websocket",)) -> None:
        self.events: list[tuple[str, object]] = []
        self._cond = threading.Condition()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("*", self._record)
        self.sio.connect(url, auth={"token": token} if token is not None else None, transports=list(transports),
                         wait_timeout=10)

    def _record(self, event, *args):
        with self._cond:
            self.events.append((event, args[0] if args else None))
            self._cond.notify_all()

    def call(self, event: str, data=None, timeout: float = 10):
        return self.sio.call(event, data, timeout=timeout)

    def ok(self, event: str, data=None) -> dict:
        reply = self.call(event, data)
        assert reply["success"] is True, reply
        return reply["data"]

    def wait(self, event: str, match=lambda data: True, timeout: float = 5.0):
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for name, data in self.events:
                    if name == event and match(data):
                        return data
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no {event!r} within {timeout}s; got {[n for n, _ in self.events]}")
                self._cond.wait(remaining)

    def named(self, event: str) -> list:
        with self._cond:
            return [data for name, data in self.events if name == event]

    def clear(self) -> None:
        with self._cond:
            self.events.clear()

    def close(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()


@pytest.fixture
def connect(token_for):
    opened: list[Sock] = []

    def open_socket(server, user: dict | None = None, token: str | None = None, **kw) -> Sock:
        sock = Sock(server.url, token if token is not None else token_for(user), **kw)
        opened.append(sock)
        return sock

    yield open_socket
    for sock in opened:
        sock.close()


def room_body(**overrides) -> dict:
    return {"name": "Movie night", "mediaId": "603", "mediaType": "movie", **overrides}


@pytest.fixture
def room_of(connect, server, make_user):
    """A room with an admin and ``n - 1`` members, each on their own socket."""

    def build(n: int = 2, **options):
        users = [make_user() for _ in range(n)]
        socks = [connect(server, u) for u in users]
        room = socks[0].ok("create_room", room_body(**options))
        for sock in socks[1:]:
            sock.ok("join_room", {"roomId": room["id"]})
        for sock in socks:
            sock.clear()
        return room["id"], users, socks

    return build
