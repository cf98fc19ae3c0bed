"""Hostile Socket.IO input: every event (and an unknown one) answers through its ack and ``error``.

The list of events is the server's own: an unknown event's answer names every known event, so an
event added later is covered here without touching this file.
"""
from __future__ import annotations

import json
import threading

import pytest

UNKNOWN = "no_such_event"


def _raw_call(sock, event: str, raw_payload: str, timeout: float = 10):
    """Send ``[event, <raw JSON>]`` as written (the client's encoder would refuse deep data)."""
    done, reply = threading.Event(), {}

    def on_ack(*args):
        reply["args"] = args
        done.set()

    ack_id = sock.sio._generate_ack_id("/", on_ack)
    sock.sio.eio.send(f"2{ack_id}[{json.dumps(event)},{raw_payload}]")
    assert done.wait(timeout), f"{event}: no acknowledgement within {timeout}s"
    return reply["args"][0]


def _known_events(sock) -> list[str]:
    reply = sock.call(UNKNOWN, {})
    return reply["error"]["details"]["known"]


def _assert_error(reply, code) -> dict:
    assert reply["success"] is False, reply
    assert reply["error"]["code"] == code, reply
    assert isinstance(reply["error"]["details"], dict)
    return reply


def test_an_unknown_event_is_answered_through_the_ack_and_the_error_event(server, connect, user):
    sock = connect(server, user)
    reply = _assert_error(sock.call(UNKNOWN, {"roomId": "r1"}), "UNKNOWN_EVENT")
    assert reply["error"]["details"]["event"] == UNKNOWN
    assert {"create_room", "join_room", "playback_action", "chat_message"} <= set(reply["error"]["details"]["known"])
    error = sock.wait("error", lambda data: data["event"] == UNKNOWN)
    assert error["code"] == "UNKNOWN_EVENT" and isinstance(error["details"], dict)
    # without arguments, and with several, it is answered the same way
    _assert_error(sock.call("also_unknown"), "UNKNOWN_EVENT")


def test_every_event_refuses_deep_json_with_an_error_ack(server, connect, user):
    sock = connect(server, user)
    failures = []
    for event in [*_known_events(sock), UNKNOWN]:
        for raw in ("[" * 1000 + "]" * 1000, '{"a":' * 1000 + "1" + "}" * 1000, "[" * 50_000 + "]" * 50_000):
            try:
                reply = _assert_error(_raw_call(sock, event, raw), "VALIDATION_ERROR")
                assert reply["error"]["details"]["maxDepth"] == 32, reply
                sock.wait("error", lambda data: data["event"] == event and data["code"] == "VALIDATION_ERROR")
            except AssertionError as exc:
                failures.append(f"{event}: {exc}")
        sock.clear()
    assert not failures, "\n".join(failures)
    assert sock.sio.connected  # the connection survives hostile payloads


def test_every_event_refuses_a_lone_surrogate_naming_the_field(server, connect, user):
    sock = connect(server, user)
    failures = []
    for event in [*_known_events(sock), UNKNOWN]:
        for payload, field in (({"roomId": "room1", "text": "hi \ud800"}, "text"),
                               ({"roomId": "room1", "action": {"type": "play", "data": {"x": "\udc00"}}},
                                "action.data.x")):
            try:
                reply = _assert_error(sock.call(event, payload), "VALIDATION_ERROR")
                assert list(reply["error"]["details"]["fields"]) == [field], reply
                assert "surrogate" in reply["error"]["message"]
            except AssertionError as exc:
                failures.append(f"{event}: {exc}")
    assert not failures, "\n".join(failures)


def test_surrogate_pairs_in_chat_are_ordinary_text(server, connect, user):
    sock = connect(server, user)
    room = sock.ok("create_room", {"name": "Pairs", "mediaId": "603", "mediaType": "movie"})
    room_id = room["roomId"] if "roomId" in room else room["room"]["roomId"]
    reply = sock.call("chat_message", {"roomId": room_id, "text": "Popcorn \U0001F37F"})
    assert reply["success"] is True, reply


def test_an_unreadable_connect_auth_is_refused_not_left_hanging(server):
    import socketio

    client = socketio.Client(reconnection=False)
    refusals = []
    client.on("connect_error", lambda data: refusals.append(data))
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(server.url, auth={"token": "\ud800"}, transports=["websocket"], wait_timeout=5)
    client.disconnect()
    refusal = refusals[0]["data"]  # python-socketio wraps the server's data under "data"
    assert refusal["code"] == "AUTHENTICATION_ERROR" and refusal["details"] == {}, refusals
