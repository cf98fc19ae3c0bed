"""The platform's socket plumbing as a domain sees it: emits to a user and to a role, from any process."""
from __future__ import annotations

import json
import time

import pytest


def test_emits_reach_every_socket_of_a_user_and_of_a_role(app, room_servers, connect, make_user, admin):
    first, second = room_servers
    user = make_user()
    admin_socks = [connect(first, admin), connect(second, admin)]
    user_socks = [connect(first, user), connect(second, user)]
    from app.platform import sockets

    with app.app_context():  # this process holds none of them: the emits travel by the message queue
        sockets.to_role("admin", "probe", {"to": "admins"})
        sockets.to_user(str(user["id"]), "probe", {"to": "user"})
    for sock in admin_socks:
        assert sock.wait("probe") == {"to": "admins"}
    for sock in user_socks:
        assert sock.wait("probe") == {"to": "user"}
    time.sleep(0.3)
    assert [s.named("probe") for s in admin_socks + user_socks] == [[{"to": "admins"}]] * 2 + [[{"to": "user"}]] * 2


# ---- packets that are not events -----------------------------------------------------------

class RawSocket:
    """An Engine.IO websocket spoken by hand, connected to Socket.IO with a token."""

    def __init__(self, server, token: str) -> None:
        import websocket

        url = server.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        self.ws = websocket.create_connection(url, timeout=5)
        assert self.ws.recv().startswith("0{")  # Engine.IO open
        self.ws.send("40" + json.dumps({"token": token}))
        assert self.ws.recv().startswith("40{")  # Socket.IO connect accepted

    def frames_until(self, prefix: str) -> list[str]:
        frames = []
        while not (frames and frames[-1].startswith(prefix)):
            frames.append(self.ws.recv())
        return frames

    def closed(self) -> bool:
        """True once the server closes the connection (a CLOSE packet or the end of the stream)."""
        import websocket

        try:
            while True:
                frame = self.ws.recv()
                if frame in ("", "1"):
                    return True
        except (websocket.WebSocketConnectionClosedException, ConnectionError):
            return True
        except websocket.WebSocketTimeoutException:
            return False


class ServerLog:
    """What the server process wrote to its log from now on."""

    def __init__(self, server) -> None:
        self.path, self.start = server.log_path, server.log_path.stat().st_size

    def lines(self, settle: float = 0.5) -> list[str]:
        time.sleep(settle)
        with open(self.path, "rb") as log:
            log.seek(self.start)
            return log.read().decode(errors="replace").splitlines()


@pytest.mark.parametrize("payload", ['{"a":1}', "[]", '"x"', "[1,2]", '[{"a":1}]', '["disconnect"]', '["connect",{}]'])
def test_an_event_packet_that_is_not_an_event_is_answered(server, token_for, user, payload):
    sock = RawSocket(server, token_for(user))
    log = ServerLog(server)
    sock.ws.send(f"427{payload}")
    frames = sock.frames_until("437")
    error = json.loads(next(f for f in frames if f.startswith('42["error"'))[2:])[1]
    ack = json.loads(frames[-1][3:])[0]
    assert ack["success"] is False and ack["error"]["code"] == "VALIDATION_ERROR", ack
    assert list(ack["error"]["details"]["fields"]) == ["event"]
    assert error["code"] == "VALIDATION_ERROR" and error["details"] == ack["error"]["details"]
    # the socket still serves events, and the server logged nothing about it
    sock.ws.send('428["no_such_event",{}]')
    assert json.loads(sock.frames_until("438")[-1][3:])[0]["error"]["code"] == "UNKNOWN_EVENT"
    assert [line for line in log.lines() if "WARNING" in line or "ERROR" in line or "Traceback" in line] == []


@pytest.mark.parametrize("frame", [
    "", "x", "9",          # Engine.IO: an empty frame, no packet type, an unknown type
    "49", "4x", "44{}",    # Socket.IO: an unknown type, no type, a client's CONNECT_ERROR
    "43abc",               # an acknowledgement that is not JSON
    "b!!!",                # a binary message that is no packet
])
def test_garbage_closes_only_that_socket_with_one_warning(server, connect, token_for, user, frame):
    neighbour = connect(server, user)
    sock = RawSocket(server, token_for(user))
    log = ServerLog(server)
    sock.ws.send(frame)
    assert sock.closed(), f"{frame!r} left the connection open"
    lines = log.lines()
    assert "Traceback" not in "\n".join(lines), "\n".join(lines)
    warnings = [line for line in lines if "WARNING" in line or "ERROR" in line]
    assert len(warnings) == 1 and "closing" in warnings[0], lines
    assert neighbour.call("no_such_event", {})["error"]["code"] == "UNKNOWN_EVENT"  # the user's other socket lives


def test_garbage_over_long_polling_closes_that_session(server, token_for, user):
    import requests

    base = f"{server.url}/socket.io/?EIO=4&transport=polling"
    http = requests.Session()
    sid = json.loads(http.get(base, timeout=5).text[1:])["sid"]
    assert http.post(f"{base}&sid={sid}", data="40" + json.dumps({"token": token_for(user)}), timeout=5).ok
    assert http.get(f"{base}&sid={sid}", timeout=5).text.startswith("40{")
    log = ServerLog(server)
    http.post(f"{base}&sid={sid}", data="x", timeout=5)
    lines = log.lines()
    assert "Traceback" not in "\n".join(lines)
    assert len([line for line in lines if "WARNING" in line or "ERROR" in line]) == 1, lines
    # the session is over: what is left to read is at most the CLOSE, then the sid is unknown
    assert http.get(f"{base}&sid={sid}", timeout=5).status_code in (200, 400)
    assert http.get(f"{base}&sid={sid}", timeout=5).status_code == 400
