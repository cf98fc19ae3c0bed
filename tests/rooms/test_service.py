"""The room service and its Redis store, called directly (no sockets)."""
from __future__ import annotations

import threading
import time

import pytest

from app.core.identity import Identity
from app.errors import AppError, AuthorizationError


def ident(uid: int, name: str = "Someone") -> Identity:
    return Identity(role="user", user_id=uid, display_name=name)


def body(**overrides):
    base = {"name": "Night", "media_id": "603", "media_type": "movie", "provider_id": None, "season": None,
            "episode": None, "control_mode": "admin", "max_participants": None, "is_public": True,
            "wait_for_all": True, "user_id": None, "admin_id": None}
    return {**base, **overrides}


def test_concurrent_mutations_never_lose_an_update(app):
    from app.rooms import service, store

    with app.app_context():
        room = service.create_room(ident(1), body())
    threads, per_thread = 8, 15

    def bump():
        with app.app_context():
            for _ in range(per_thread):
                store.mutate(room["id"], lambda r, p: r.__setitem__("counter", r.get("counter", 0) + 1), 3600)

    workers = [threading.Thread(target=bump) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    with app.app_context():
        loaded, _ = store.load(room["id"])
    assert loaded["counter"] == threads * per_thread
    assert loaded["version"] == 1 + threads * per_thread


def test_a_refused_change_writes_nothing(app_ctx):
    from app.rooms import service, store

    room = service.create_room(ident(1), body())

    def refuse(r, p):
        r["name"] = "changed"
        raise AppError("no", code="NOPE", status=409)

    with pytest.raises(AppError):
        store.mutate(room["id"], refuse, 3600)
    loaded, _ = store.load(room["id"])
    assert loaded["name"] == "Night" and loaded["version"] == 1


def test_claims_in_a_body_must_be_the_callers(app_ctx):
    from app.rooms import service

    with pytest.raises(AuthorizationError):
        service.create_room(ident(1), body(admin_id="2"))
    with pytest.raises(AuthorizationError):
        service.create_room(Identity(role="service"), body())
    assert service.create_room(ident(1), body(user_id="1", admin_id=1))["adminId"] == "1"


def test_public_rooms_are_listed_newest_first_and_private_ones_hidden(app_ctx):
    from app.rooms import queries, service

    ids = []
    for n in range(1, 4):
        ids.append(service.create_room(ident(n), body(name=f"r{n}"))["id"])
        time.sleep(0.003)  # creation times are in ms; rooms of one ms have no "newer" one
    service.create_room(ident(9), body(is_public=False))
    page, total = queries.list_public_rooms(1, 2)
    assert total == 3 and [r["id"] for r in page] == ids[::-1][:2]
    assert [r["id"] for r in queries.list_public_rooms(2, 2)[0]] == [ids[0]]


def test_the_sweep_closes_idle_rooms_and_forgets_expired_ones(app_ctx):
    from app.extensions import redis
    from app.rooms import keys, service, store

    idle = service.create_room(ident(1), body())["id"]
    fresh = service.create_room(ident(2), body())["id"]
    redis.zadd(keys.activity_index(), {idle: 1, "expired-room": 2})
    assert service.close_idle_rooms() == {"closed": 1, "open": 1}
    assert store.load(idle) is None and store.load(fresh) is not None
    assert store.all_room_ids() == [fresh]


def test_joining_an_emptied_room_in_its_grace_reclaims_it(app_ctx):
    from app.rooms import service

    room = service.create_room(ident(1), body())
    service.leave_room(ident(1), room["id"])
    state = service.join_room(ident(2), room["id"])
    assert state["room"]["adminId"] == "2" and state["room"]["participantCount"] == 1


def test_a_member_without_a_socket_or_heartbeat_is_dropped_after_the_timeout(app_ctx):
    import time

    from app.rooms import playback, service, store

    room = service.create_room(ident(1), body())
    service.join_room(ident(2), room["id"])
    service.join_room(ident(3), room["id"])
    app_ctx.config["ROOM_HEARTBEAT_TIMEOUT"] = 0.3
    time.sleep(0.2)
    playback.heartbeat(ident(3), room["id"])  # 3 keeps itself alive, 2 stays silent
    time.sleep(0.2)
    service.reap_room(room["id"])
    _, members = store.load(room["id"])
    assert sorted(members) == ["3"]  # the silent admin and member 2 are gone; 3 inherited the room
    assert store.load(room["id"])[0]["adminId"] == "3"


def test_a_stale_copy_of_the_room_never_loses_an_update_or_refuses_wrongly(app_ctx):
    # mutate starts from this process's last written copy; another process may have moved on.
    from app.rooms import keys, service, store

    room = service.create_room(ident(1), body())
    store.mutate(room["id"], lambda r, p: r.__setitem__("counter", 1), 3600)
    stale = store._recent[keys.room(room["id"])]
    service.join_room(ident(2), room["id"])  # as if written elsewhere: our copy is now behind
    store._recent[keys.room(room["id"])] = stale

    def needs_member_2(r, p):
        if "2" not in p:
            raise AppError("stale")  # would be a wrong refusal if judged on the stale copy
        r["counter"] += 1

    store.mutate(room["id"], needs_member_2, 3600)
    loaded, members = store.load(room["id"])
    assert loaded["counter"] == 2 and set(members) == {"1", "2"}
    assert loaded["version"] == 4  # create, counter, join, counter: no write lost or doubled
