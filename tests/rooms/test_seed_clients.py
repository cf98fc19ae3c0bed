"""The seeds' own Socket.IO and REST shapes, over real sockets to real server processes.

Seed 000 names titles ``movieId``, sends ``action`` as a plain string and names its sender in
``userId``/``adminId``; seed 001 expects a room without a provider to play ``vidnest`` and an
episode change to make sense only for a series.
"""
from __future__ import annotations

import pytest

from tests.rooms.conftest import room_body


def test_seed_000_payloads_drive_a_room(server, connect, make_user):
    admin_user, guest_user = make_user(), make_user()
    admin, guest = connect(server, admin_user), connect(server, guest_user)
    room = admin.ok("create_room", {"movieId": 603, "adminId": admin_user["id"]})
    assert room["adminId"] == str(admin_user["id"]) and room["name"]
    assert room["currentState"]["mediaId"] == "603" and room["currentState"]["mediaType"] == "movie"
    assert room["currentState"]["providerId"] == "vidnest"
    assert admin.wait("room_created")["id"] == room["id"]

    joined = guest.ok("join_room", {"roomId": room["id"], "userId": guest_user["id"]})
    assert {p["userId"] for p in joined["participants"]} == {str(admin_user["id"]), str(guest_user["id"])}

    admin.ok("playback_action", {"roomId": room["id"], "action": "seek", "currentTime": 42, "userId": admin_user["id"]})
    played = admin.ok("playback_action", {"roomId": room["id"], "action": "play", "userId": str(admin_user["id"])})
    heard = guest.wait("playback_updated", lambda d: d["action"]["type"] == "play")
    assert heard["state"]["isPlaying"] is True and played["effectiveAt"] == heard["effectiveAt"]
    assert heard["state"]["currentTime"] == pytest.approx(42, abs=0.5)

    admin.ok("playback_action", {"roomId": room["id"], "action": "setPlaybackRate", "rate": 1.5})
    assert guest.wait("playback_updated", lambda d: d["action"]["type"] == "setPlaybackRate")["state"][
        "playbackRate"] == 1.5

    reported = admin.ok("update_time", {"roomId": room["id"], "currentTime": 50.5, "userId": admin_user["id"]})
    assert reported["state"]["currentTime"] == pytest.approx(50.5)
    drift = guest.ok("update_time", {"roomId": room["id"], "currentTime": 50.0, "userId": guest_user["id"]})
    assert isinstance(drift["driftMs"], int) and drift["broadcast"] is False  # a member's report only measures

    paused = admin.ok("playback_action", {"roomId": room["id"], "action": "pause", "userId": admin_user["id"]})
    assert paused["state"]["isPlaying"] is False


def test_seed_000_ids_must_still_be_the_callers_own(server, connect, make_user):
    admin_user, guest_user = make_user(), make_user()
    admin, guest = connect(server, admin_user), connect(server, guest_user)
    forged = guest.call("create_room", {"movieId": 603, "adminId": admin_user["id"]})
    assert forged["success"] is False and forged["error"]["code"] == "AUTHORIZATION_ERROR"
    room = admin.ok("create_room", {"movieId": 603, "adminId": admin_user["id"]})
    assert guest.call("join_room", {"roomId": room["id"], "userId": admin_user["id"]})["error"]["code"] == \
        "AUTHORIZATION_ERROR"
    guest.ok("join_room", {"roomId": room["id"], "userId": guest_user["id"]})
    for event, payload in [("playback_action", {"action": "play", "userId": guest_user["id"]}),
                           ("update_time", {"currentTime": 3, "userId": guest_user["id"]})]:
        reply = admin.call(event, {"roomId": room["id"], **payload})
        assert reply["error"]["code"] == "AUTHORIZATION_ERROR", event
        assert admin.wait("error", lambda d, e=event: d["event"] == e)["code"] == "AUTHORIZATION_ERROR"


@pytest.mark.parametrize("payload, field", [
    ({"movieId": 603, "mediaId": 604}, "movieId"),
    ({"movieId": 603, "mediaType": "tv"}, "mediaType"),
    ({"adminId": 1}, "mediaId"),
    ({"mediaId": 603}, "mediaType"),
    ({"movieId": 603, "season": 1, "episode": 2}, "season"),
    ({"movieId": True}, "movieId"),
])
def test_ambiguous_create_payloads_name_the_field(server, connect, user, payload, field):
    reply = connect(server, user).call("create_room", payload)
    assert reply["success"] is False and reply["error"]["code"] == "VALIDATION_ERROR"
    assert field in reply["error"]["details"]["fields"], reply


def test_seed_001_a_room_without_a_provider_plays_vidnest(server, connect, user):
    sock = connect(server, user)
    assert sock.ok("create_room", room_body())["currentState"]["providerId"] == "vidnest"
    chosen = sock.ok("create_room", room_body(providerId="vidsrc"))
    assert chosen["currentState"]["providerId"] == "vidsrc"


def test_seed_001_change_episode_is_refused_in_a_movie_room(room_of):
    room_id, _, (admin, guest) = room_of(2)
    before = admin.ok("sync_request", {"roomId": room_id})["currentState"]
    for action in ({"type": "changeEpisode", "data": {"season": 1, "episode": 2}},
                   "changeEpisode"):
        payload = {"roomId": room_id, "action": action}
        if isinstance(action, str):
            payload.update(season=1, episode=2)
        reply = admin.call("playback_action", payload)
        assert reply["success"] is False and reply["error"]["code"] == "NOT_A_SERIES", reply
        assert "action.type" in reply["error"]["details"]["fields"]
        assert "movie" in reply["error"]["message"]
        assert admin.wait("error", lambda d: d["event"] == "playback_action")["code"] == "NOT_A_SERIES"
    after = admin.ok("sync_request", {"roomId": room_id})["currentState"]
    assert after == before and after["season"] is None and after["episode"] is None
    assert not guest.named("episode_changed")


def test_seed_shapes_work_over_rest_too(client, user, auth_headers):
    headers = auth_headers(user)
    created = client.post("/api/v1/watch-together/rooms", json={"movieId": 27205, "adminId": user["id"]},
                          headers=headers)
    assert created.status_code == 201, created.get_json()
    room = created.get_json()["data"]
    assert room["currentState"]["providerId"] == "vidnest" and room["currentState"]["mediaId"] == "27205"
    played = client.post(f"/api/v1/watch-together/rooms/{room['id']}/playback",
                         json={"action": "seek", "currentTime": 12}, headers=headers)
    assert played.status_code == 200, played.get_json()
    assert played.get_json()["data"]["state"]["currentTime"] == pytest.approx(12, abs=0.5)
    refused = client.post(f"/api/v1/watch-together/rooms/{room['id']}/playback",
                          json={"action": "changeEpisode", "episode": 2}, headers=headers)
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "NOT_A_SERIES"
