"""Sync quality over real sockets: scheduled commands, group buffering, drift, time updates, chat."""
from __future__ import annotations

import time


def test_play_waits_for_a_buffering_member_then_starts_when_ready(room_of):
    room_id, users, (admin, guest) = room_of(2)
    guest.ok("player_state", {"roomId": room_id, "state": "buffering", "position": 0})
    waiting = admin.ok("playback_action", {"roomId": room_id, "action": {"type": "play"}})
    assert waiting["pending"] is True and waiting["waitingFor"] == [str(users[1]["id"])]
    assert waiting["state"]["isPlaying"] is False
    seen = guest.wait("participants_updated", lambda d: any(p["state"] == "buffering" for p in d["participants"]))
    assert seen["participants"][1]["state"] == "buffering"
    guest.ok("player_state", {"roomId": room_id, "state": "ready", "position": 0})
    started = admin.wait("playback_updated", lambda d: d["state"]["isPlaying"])
    assert started["effectiveAt"] >= started["serverTime"] + 100


def test_a_waiting_play_starts_after_the_ready_timeout(room_of):
    room_id, _, (admin, guest) = room_of(2)
    guest.ok("player_state", {"roomId": room_id, "state": "buffering"})
    began = time.monotonic()
    admin.ok("playback_action", {"roomId": room_id, "action": {"type": "play"}})
    started = guest.wait("playback_updated", lambda d: d["state"]["isPlaying"], timeout=5)
    assert 0.8 <= time.monotonic() - began < 4 and started["action"]["type"] == "play"


def test_a_vanished_buffering_member_does_not_hold_the_room(room_of):
    room_id, _, (admin, guest) = room_of(2)
    guest.ok("player_state", {"roomId": room_id, "state": "buffering"})
    guest.close()
    time.sleep(0.3)
    played = admin.ok("playback_action", {"roomId": room_id, "action": {"type": "play"}})
    assert played["state"]["isPlaying"] is True and not played.get("pending")


def test_wait_for_all_off_plays_at_once(room_of):
    room_id, _, (admin, guest) = room_of(2, waitForAll=False)
    guest.ok("player_state", {"roomId": room_id, "state": "buffering"})
    assert admin.ok("playback_action", {"roomId": room_id, "action": {"type": "play"}})["state"]["isPlaying"]


def test_lead_time_follows_the_slowest_reported_round_trip(room_of):
    room_id, _, (admin, guest) = room_of(2)
    guest.ok("heartbeat", {"roomId": room_id, "rttMs": 300})
    played = admin.ok("playback_action", {"roomId": room_id, "action": {"type": "play"}})
    assert 600 <= played["effectiveAt"] - played["serverTime"] <= 620
    guest.ok("heartbeat", {"roomId": room_id, "rttMs": 5000})
    seek = admin.ok("playback_action", {"roomId": room_id, "action": {"type": "seek", "data": {"currentTime": 10}}})
    assert seek["effectiveAt"] - seek["serverTime"] == 1000


def test_admin_time_updates_are_throttled_unless_the_position_jumps(room_of):
    room_id, _, (admin, guest) = room_of(2)
    first = admin.ok("update_time", {"roomId": room_id, "currentTime": 5.0})
    assert first["broadcast"] is True
    guest.wait("playback_updated", lambda d: d["action"]["type"] == "updateTime")
    guest.clear()
    assert admin.ok("update_time", {"roomId": room_id, "currentTime": 5.1})["broadcast"] is False
    assert admin.ok("update_time", {"roomId": room_id, "currentTime": 90.0})["broadcast"] is True
    jumped = guest.wait("playback_updated", lambda d: d["action"]["type"] == "updateTime")
    assert jumped["state"]["currentTime"] == 90.0
    assert len(guest.named("playback_updated")) == 1


def test_member_reports_measure_drift_and_the_spread(room_of, client, auth_headers):
    room_id, users, (admin, second, third) = room_of(3)
    admin.ok("update_time", {"roomId": room_id, "currentTime": 100.0})  # paused at 100 s
    assert second.ok("update_time", {"roomId": room_id, "currentTime": 100.25})["driftMs"] == 250
    third.ok("update_time", {"roomId": room_id, "currentTime": 99.9})
    room = client.get(f"/api/v1/watch-together/rooms/{room_id}", headers=auth_headers(users[0])).get_json()["data"]
    drifts = {p["userId"]: p["driftMs"] for p in room["participants"]}
    assert drifts == {str(users[0]["id"]): 0, str(users[1]["id"]): 250, str(users[2]["id"]): -100}
    assert room["spreadMs"] == 350
    assert room["currentState"]["currentTime"] == 100.0  # a member's report is not a command
    stats = client.get("/api/v1/watch-together/stats", headers=auth_headers(users[0])).get_json()["data"]
    assert stats["maxSpreadMs"] == 350 and stats["rooms"] == 1 and stats["participants"] == 3


def test_chat_is_sanitised_rate_limited_and_replayed_on_join(room_of, connect, server, make_user):
    room_id, users, (admin, guest) = room_of(2)
    sent = admin.ok("chat_message", {"roomId": room_id, "text": "  <b>hi</b>\u202e  "})
    assert sent["text"] == "&lt;b&gt;hi&lt;/b&gt;"
    heard = guest.wait("chat_message")
    assert heard == {"userId": str(users[0]["id"]), "displayName": heard["displayName"], "text": sent["text"],
                     "serverTime": heard["serverTime"]}
    assert admin.call("chat_message", {"roomId": room_id, "text": "x" * 501})["error"]["code"] == "VALIDATION_ERROR"
    assert admin.call("chat_message", {"roomId": room_id, "text": "\u200b "})["error"]["code"] == "VALIDATION_ERROR"
    admin.ok("chat_message", {"roomId": room_id, "text": "two"})
    admin.ok("chat_message", {"roomId": room_id, "text": "three"})
    limited = admin.call("chat_message", {"roomId": room_id, "text": "four"})
    assert limited["error"]["code"] == "RATE_LIMIT_ERROR"
    late = connect(server, make_user())
    history = late.ok("join_room", {"roomId": room_id})["chat"]
    assert [m["text"] for m in history] == [sent["text"], "two", "three"]
