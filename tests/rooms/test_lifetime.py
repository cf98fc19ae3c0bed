"""Two web processes sharing Redis, reconnects within the grace period, and idle cleanup."""
from __future__ import annotations

import threading
import time

from tests.rooms.conftest import room_body
from tests.support.processes import WorkerProcess


def test_a_client_on_one_process_sees_events_caused_on_the_other(room_servers, connect, make_user):
    one, two = room_servers
    admin, guest = make_user(), make_user()
    a = connect(one, admin)
    room = a.ok("create_room", room_body())
    b = connect(two, guest)
    b.ok("join_room", {"roomId": room["id"]})
    assert a.wait("user_joined")["userId"] == str(guest["id"])
    a.ok("playback_action", {"roomId": room["id"], "action": {"type": "play"}})
    assert b.wait("playback_updated")["state"]["isPlaying"] is True
    a.ok("kick_user", {"roomId": room["id"], "userIdToKick": str(guest["id"])})
    b.wait("user_kicked")
    b.clear()
    a.ok("playback_action", {"roomId": room["id"], "action": {"type": "pause"}})
    a.wait("playback_updated", lambda d: d["action"]["type"] == "pause")
    time.sleep(0.2)
    assert b.named("playback_updated") == []  # the kick removed the socket held by the other process


def test_concurrent_changes_from_both_processes_lose_nothing(room_servers, connect, make_user, client, auth_headers):
    one, two = room_servers
    users = [make_user() for _ in range(4)]
    socks = [connect(one if i % 2 else two, u) for i, u in enumerate(users)]
    room = socks[0].ok("create_room", room_body())
    for sock in socks[1:]:
        sock.ok("join_room", {"roomId": room["id"]})
    rounds, failures = 15, []

    def report(sock, base):
        for n in range(rounds):
            reply = sock.call("player_state", {"roomId": room["id"], "state": "ready", "position": base + n})
            if not reply["success"]:
                failures.append(reply)

    threads = [threading.Thread(target=report, args=(s, 1000 * (i + 1))) for i, s in enumerate(socks)]
    before = client.get(f"/api/v1/watch-together/rooms/{room['id']}", headers=auth_headers(users[0])).get_json()["data"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == []
    after = client.get(f"/api/v1/watch-together/rooms/{room['id']}", headers=auth_headers(users[0])).get_json()["data"]
    assert after["version"] - before["version"] == rounds * len(socks)
    assert sorted(p["lastPosition"] for p in after["participants"]) == [1000.0 * (i + 1) + rounds - 1 for i in range(4)]


def test_a_reconnect_within_the_grace_keeps_place_and_role_without_flicker(room_servers, connect, make_user):
    one, two = room_servers
    admin, guest = make_user(), make_user()
    a = connect(one, admin)
    room = a.ok("create_room", room_body())
    g = connect(one, guest)
    g.ok("join_room", {"roomId": room["id"]})
    g.clear()
    a.close()
    time.sleep(0.3)
    again = connect(two, admin)  # reconnects through the other process
    state = again.wait("initial_state")
    assert state["room"]["adminId"] == str(admin["id"])
    time.sleep(1.6)  # past the grace: nothing was lost
    assert g.named("user_left") == [] and g.named("user_joined") == []
    assert again.ok("sync_request", {"roomId": room["id"]})["adminId"] == str(admin["id"])


def test_a_member_gone_longer_than_the_grace_is_removed(room_servers, connect, make_user):
    one, _ = room_servers
    admin, guest = make_user(), make_user()
    a = connect(one, admin)
    room = a.ok("create_room", room_body())
    g = connect(one, guest)
    g.ok("join_room", {"roomId": room["id"]})
    a.close()
    left = g.wait("user_left", timeout=6)
    assert left["userId"] == str(admin["id"]) and left["reason"] == "timeout"
    assert g.wait("admin_changed")["newAdmin"] == str(guest["id"])


def test_the_beat_task_closes_idle_rooms(app, test_env, server, connect, user):
    from app.extensions import redis
    from app.rooms import keys
    from workers.rooms import close_idle_rooms

    sock = connect(server, user)
    room = sock.ok("create_room", room_body())
    with app.app_context():
        redis.zadd(keys.activity_index(), {room["id"]: 1})  # last active in 1970
    # A worker of our own on the beat entry's queue, stopped afterwards: a session-wide worker
    # would change what other tests (e.g. /health's celery check) observe.
    worker = WorkerProcess(test_env, queues="default", concurrency=1)
    worker.start(app.extensions["celery"])
    try:
        close_idle_rooms.apply_async(queue="default")
        closed = sock.wait("room_closed", timeout=20)
    finally:
        worker.stop()
    assert closed == {"roomId": room["id"], "reason": "idle", "serverTime": closed["serverTime"]}
    assert sock.call("join_room", {"roomId": room["id"]})["error"]["code"] == "ROOM_NOT_FOUND"
