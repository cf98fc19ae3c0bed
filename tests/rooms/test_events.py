"""Socket.IO events against real server processes, with their permission rules and error codes."""
from __future__ import annotations

import time

import pytest
import socketio

from tests.rooms.conftest import room_body


def test_connect_without_or_with_a_bad_token_is_refused(server, connect):
    for token in ("", "not.a.jwt"):
        with pytest.raises(socketio.exceptions.ConnectionError):
            connect(server, token=token)


def test_create_room_makes_the_creator_admin(server, connect, user):
    sock = connect(server, user)
    room = sock.ok("create_room", room_body(controlMode="everyone"))
    assert room["adminId"] == str(user["id"])
    assert room["options"]["controlMode"] == "everyone"
    assert [p["userId"] for p in room["participants"]] == [str(user["id"])]
    created = sock.wait("room_created")
    assert created["id"] == room["id"] and created["currentState"]["mediaId"] == "603"


def test_join_sends_initial_state_and_user_joined(server, connect, make_user):
    admin, guest = make_user(), make_user()
    a, g = connect(server, admin), connect(server, guest)
    room = a.ok("create_room", room_body())
    a.clear()
    data = g.ok("join_room", {"roomId": room["id"]})
    state = g.wait("initial_state")
    assert state["room"]["id"] == room["id"] and {"currentState", "participants", "serverTime"} <= set(state)
    assert data["room"]["id"] == room["id"]
    joined = a.wait("user_joined")
    assert joined["userId"] == str(guest["id"]) and len(joined["participants"]) == 2


def test_join_errors_full_unknown_and_invalid(server, connect, make_user):
    users = [make_user() for _ in range(3)]
    socks = [connect(server, u) for u in users]
    room = socks[0].ok("create_room", room_body(maxParticipants=2))
    socks[1].ok("join_room", {"roomId": room["id"]})
    full = socks[2].call("join_room", {"roomId": room["id"]})
    assert full["success"] is False and full["error"]["code"] == "ROOM_FULL"
    assert socks[2].wait("error")["event"] == "join_room"
    unknown = socks[2].call("join_room", {"roomId": "nope"})
    assert unknown["error"]["code"] == "ROOM_NOT_FOUND"
    bad = socks[2].call("join_room", {"roomId": "has spaces!"})
    assert bad["error"]["code"] == "VALIDATION_ERROR" and "roomId" in bad["error"]["details"]["fields"]
    too_many = socks[0].call("create_room", room_body(maxParticipants=50))
    assert too_many["error"]["details"]["fields"] == {"maxParticipants": ["maxParticipants cannot exceed 4"]}


@pytest.mark.parametrize("payload", [None, "text", 42, [1, 2], {"roomId": None}, {"roomId": ["x"]},
                                     {"roomId": "r", "action": "fly"}, {"roomId": "r", "action": {"type": "fly"}},
                                     {"roomId": "r", "action": "seek"}, {"roomId": "r", "action": 7},
                                     {"roomId": "r", "action": "seek", "currentTime": "soon"},
                                     {"roomId": "r", "action": "play", "volume": 3},
                                     {"roomId": "r", "action": {"type": "seek", "data": {"currentTime": -1}}},
                                     {"roomId": "r", "action": {"type": "seek", "data": "x"}},
                                     {"roomId": "r", "action": {"type": "setPlaybackRate", "data": {"rate": 9}}},
                                     {"roomId": "r", "action": {"type": "play"}, "extra": 1}])
def test_malformed_playback_payloads_are_validation_errors(room_of, payload):
    room_id, _, (admin, guest) = room_of(2)
    before = admin.ok("sync_request", {"roomId": room_id})["currentState"]
    if isinstance(payload, dict) and payload.get("roomId") == "r":
        payload = {**payload, "roomId": room_id}
    reply = admin.call("playback_action", payload)
    assert reply["success"] is False and reply["error"]["code"] == "VALIDATION_ERROR", reply
    assert admin.wait("error")["code"] == "VALIDATION_ERROR"
    assert admin.ok("sync_request", {"roomId": room_id})["currentState"] == before


def test_admin_controls_playback_and_everyone_sees_it(room_of):
    room_id, users, (admin, guest) = room_of(2)
    refused = guest.call("playback_action", {"roomId": room_id, "action": {"type": "play"}})
    assert refused["error"]["code"] == "NOT_ROOM_ADMIN"
    admin.ok("playback_action", {"roomId": room_id, "action": {"type": "seek", "data": {"currentTime": 30}}})
    played = admin.ok("playback_action", {"roomId": room_id, "action": {"type": "play"}})
    seen = guest.wait("playback_updated", lambda d: d["action"]["type"] == "play")
    assert seen["state"]["isPlaying"] is True and seen["userId"] == str(users[0]["id"])
    assert 100 <= seen["effectiveAt"] - seen["serverTime"] <= 1000
    assert seen["state"]["currentTime"] == pytest.approx(30, abs=0.5)
    assert played["effectiveAt"] == seen["effectiveAt"]
    rate = admin.call("playback_action", {"roomId": room_id, "action": {"type": "setPlaybackRate", "data": {"rate": 2}}})
    assert rate["success"] and guest.wait("playback_updated", lambda d: d["action"]["type"] == "setPlaybackRate")
    paused = admin.ok("playback_action", {"roomId": room_id, "action": {"type": "pause"}})
    assert paused["state"]["isPlaying"] is False


def test_everyone_mode_lets_members_play_but_not_change_content(room_of):
    room_id, _, (admin, guest) = room_of(2, controlMode="everyone")
    assert guest.call("playback_action", {"roomId": room_id, "action": {"type": "play"}})["success"]
    for action in ({"type": "changeEpisode", "data": {"episode": 2}},
                   {"type": "changeProvider", "data": {"provider": "vidsrc"}},
                   {"type": "changeMedia", "data": {"mediaId": "11"}}):
        assert guest.call("playback_action", {"roomId": room_id, "action": action})["error"]["code"] == "NOT_ROOM_ADMIN"


def test_content_changes_emit_their_own_events(room_of):
    room_id, _, (admin, guest) = room_of(2, mediaId="1399", mediaType="tv", season=1, episode=1)
    admin.ok("playback_action", {"roomId": room_id, "action": {"type": "changeEpisode", "data": {"season": 2, "episode": 5}}})
    assert guest.wait("episode_changed")["state"]["episode"] == 5
    admin.ok("playback_action", {"roomId": room_id, "action": {"type": "changeProvider", "data": {"provider": "vidsrc"}}})
    assert guest.wait("provider_changed")["providerId"] == "vidsrc"
    unknown = admin.call("playback_action", {"roomId": room_id, "action": {"type": "changeProvider",
                                                                           "data": {"provider": "nope"}}})
    assert unknown["error"]["code"] == "VALIDATION_ERROR" and "action.data.provider" in unknown["error"]["details"]["fields"]
    admin.ok("playback_action", {"roomId": room_id, "action": {"type": "changeMedia", "data": {"mediaId": 603, "mediaType": "movie"}}})
    changed = guest.wait("media_changed")
    assert changed["mediaId"] == "603" and changed["state"]["mediaType"] == "movie"
    assert changed["state"]["season"] is None and changed["state"]["episode"] is None


def test_admin_leaving_hands_over_and_last_out_closes(room_of):
    room_id, users, (admin, second, third) = room_of(3)
    admin.ok("leave_room", {"roomId": room_id})
    changed = third.wait("admin_changed")
    assert changed["newAdmin"] == str(users[1]["id"]) and changed["oldAdmin"] == str(users[0]["id"])
    assert third.wait("user_left")["userId"] == str(users[0]["id"])
    second.ok("leave_room", {"roomId": room_id})
    third.ok("leave_room", {"roomId": room_id})
    # the room lingers for the short empty grace (a rejoin would reclaim it), then closes
    assert admin.call("sync_request", {"roomId": room_id})["error"]["code"] == "NOT_IN_ROOM"
    time.sleep(1.2)
    reply = admin.call("join_room", {"roomId": room_id})
    assert reply["error"]["code"] == "ROOM_NOT_FOUND"


def test_transfer_admin_and_kick(room_of, connect, server):
    room_id, users, (admin, second, third) = room_of(3)
    ids = [str(u["id"]) for u in users]
    assert second.call("transfer_admin", {"roomId": room_id, "newAdminId": ids[2]})["error"]["code"] == "NOT_ROOM_ADMIN"
    assert admin.call("transfer_admin", {"roomId": room_id, "newAdminId": "999999"})["error"]["code"] == "PARTICIPANT_NOT_FOUND"
    admin.ok("transfer_admin", {"roomId": room_id, "newAdminId": ids[1]})
    assert third.wait("admin_changed")["newAdmin"] == ids[1]
    assert admin.call("kick_user", {"roomId": room_id, "userIdToKick": ids[2]})["error"]["code"] == "NOT_ROOM_ADMIN"
    second.ok("kick_user", {"roomId": room_id, "userIdToKick": ids[2]})
    kicked = admin.wait("user_kicked")
    assert kicked["kickedUserId"] == ids[2] and ids[2] not in [p["userId"] for p in kicked["participants"]]
    third.wait("user_kicked")
    third.clear()
    second.ok("playback_action", {"roomId": room_id, "action": {"type": "play"}})
    admin.wait("playback_updated")
    assert third.named("playback_updated") == []
    again = third.call("join_room", {"roomId": room_id})
    assert again["error"]["code"] == "AUTHORIZATION_ERROR"


def test_a_user_id_that_is_not_the_callers_is_refused(room_of):
    room_id, users, (admin, guest) = room_of(2)
    reply = guest.call("sync_request", {"roomId": room_id, "userId": str(users[0]["id"])})
    assert reply["error"]["code"] == "AUTHORIZATION_ERROR"
    assert guest.call("sync_request", {"roomId": room_id, "userId": users[1]["id"]})["success"]


def test_sync_heartbeat_and_time_sync(room_of):
    room_id, users, (admin, guest) = room_of(2)
    data = guest.ok("sync_request", {"roomId": room_id})
    response = guest.wait("sync_response")
    assert response["adminId"] == str(users[0]["id"]) and "currentState" in response and data["serverTime"] > 0
    beat = guest.ok("heartbeat", {"roomId": room_id, "rttMs": 40})
    assert beat["serverTime"] > 0
    clock = guest.ok("time_sync", {"clientTime": 1234.5})
    assert clock["clientTime"] == 1234.5 and clock["serverTime"] > 1_600_000_000_000
    assert guest.call("heartbeat", {"roomId": "unknown"})["error"]["code"] == "ROOM_NOT_FOUND"


def test_events_from_non_members_are_refused(room_of, connect, server, make_user):
    room_id, _, _ = room_of(1)
    outsider = connect(server, make_user())
    for event, payload in (("playback_action", {"roomId": room_id, "action": {"type": "play"}}),
                           ("sync_request", {"roomId": room_id}), ("chat_message", {"roomId": room_id, "text": "hi"}),
                           ("update_time", {"roomId": room_id, "currentTime": 1}),
                           ("leave_room", {"roomId": room_id})):
        assert outsider.call(event, payload)["error"]["code"] == "NOT_IN_ROOM", event


def test_long_polling_transport_works(server, connect, user):
    sock = connect(server, user, transports=("polling",))
    assert sock.ok("create_room", room_body())["adminId"] == str(user["id"])


def test_socket_metrics_count_connections_and_events(server, connect, user):
    import requests

    sock = connect(server, user)
    sock.ok("create_room", room_body())
    sock.call("join_room", {"roomId": "missing"})
    response = requests.get(f"{server.url}/metrics", timeout=5)
    if response.status_code == 500:  # the branch predates main's fix of /metrics (a bytes body JSON-encoded)
        pytest.xfail("/metrics answers 500 on this branch's foundation; fixed on main")
    metrics = response.text
    gauge = [line for line in metrics.splitlines() if line.startswith("marquee_socketio_connections ")]
    assert gauge and float(gauge[0].split()[-1]) >= 1
    assert 'marquee_socketio_events_total{event="create_room",outcome="ok"}' in metrics
    assert 'marquee_socketio_events_total{event="join_room",outcome="ROOM_NOT_FOUND"}' in metrics
