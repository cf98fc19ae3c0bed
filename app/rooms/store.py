"""Rooms in Redis: one hash per room and one hash of members, changed optimistically.

``mutate`` watches both keys, applies a pure change to fresh copies, and commits in MULTI
with the version bumped; a concurrent writer (another greenlet or process) makes EXEC fail
and the change is re-applied to the newer room, so no update is ever lost.
"""
from __future__ import annotations

import json
from typing import Any, Callable

import redis as redis_lib

from app.errors import AppError, ServiceUnavailableError
from app.extensions import redis
from app.rooms import keys

MAX_ATTEMPTS = 50


class RoomNotFound(AppError):
    code, status, message = "ROOM_NOT_FOUND", 404, "The room does not exist"


def _decode(raw_room: dict, raw_members: dict) -> tuple[dict, dict] | None:
    if not raw_room or "room" not in raw_room:
        return None
    room = json.loads(raw_room["room"])
    room["version"] = int(raw_room.get("version", 0))
    return room, {uid: json.loads(value) for uid, value in raw_members.items()}


def load(room_id: str) -> tuple[dict, dict] | None:
    """(room, participants) or None when the room does not exist."""
    with redis.client.pipeline(transaction=True) as pipe:
        pipe.hgetall(keys.room(room_id))
        pipe.hgetall(keys.participants(room_id))
        raw_room, raw_members = pipe.execute()
    return _decode(raw_room, raw_members)


def _write(pipe, room: dict, participants: dict, ttl: int) -> None:
    room_id = room["id"]
    body = {k: v for k, v in room.items() if k != "version"}
    pipe.hset(keys.room(room_id), mapping={"room": json.dumps(body), "version": room["version"]})
    pipe.expire(keys.room(room_id), ttl)
    pipe.delete(keys.participants(room_id))
    if participants:
        pipe.hset(keys.participants(room_id), mapping={uid: json.dumps(m) for uid, m in participants.items()})
        pipe.expire(keys.participants(room_id), ttl)
    pipe.zadd(keys.activity_index(), {room_id: room["lastActivity"]})
    if room["options"].get("isPublic"):
        pipe.zadd(keys.public_index(), {room_id: room["createdAt"]})


def create(room: dict, participants: dict, ttl: int) -> None:
    room["version"] = 1
    with redis.client.pipeline(transaction=True) as pipe:
        _write(pipe, room, participants, ttl)
        pipe.execute()


def delete(room_id: str) -> None:
    with redis.client.pipeline(transaction=True) as pipe:
        pipe.delete(keys.room(room_id), keys.participants(room_id), keys.chat(room_id))
        pipe.zrem(keys.public_index(), room_id)
        pipe.zrem(keys.activity_index(), room_id)
        pipe.execute()


def mutate(room_id: str, change: Callable[[dict, dict], Any], ttl: int) -> tuple[Any, dict, dict]:
    """Apply ``change(room, participants)`` atomically; returns (its result, room, participants).

    ``change`` may raise an ``AppError`` to refuse; nothing is written then. Setting
    ``room["closed"] = True`` deletes the room instead of saving it.
    """
    room_key, members_key = keys.room(room_id), keys.participants(room_id)
    for _ in range(MAX_ATTEMPTS):
        with redis.client.pipeline(transaction=True) as pipe:
            try:
                pipe.watch(room_key, members_key)
                loaded = _decode(pipe.hgetall(room_key), pipe.hgetall(members_key))
                if loaded is None:
                    raise RoomNotFound()
                room, participants = loaded
                result = change(room, participants)
                room["version"] += 1
                pipe.multi()
                if room.get("closed"):
                    pipe.delete(room_key, members_key, keys.chat(room_id))
                    pipe.zrem(keys.public_index(), room_id)
                    pipe.zrem(keys.activity_index(), room_id)
                else:
                    _write(pipe, room, participants, ttl)
                pipe.execute()
                return result, room, participants
            except redis_lib.WatchError:
                continue
    raise ServiceUnavailableError("The room is too busy right now; try again")


def append_chat(room_id: str, message: dict, keep: int, ttl: int) -> None:
    with redis.client.pipeline(transaction=True) as pipe:
        pipe.rpush(keys.chat(room_id), json.dumps(message))
        pipe.ltrim(keys.chat(room_id), -keep, -1)
        pipe.expire(keys.chat(room_id), ttl)
        pipe.execute()


def recent_chat(room_id: str, keep: int) -> list[dict]:
    return [json.loads(item) for item in redis.lrange(keys.chat(room_id), -keep, -1)]


def allow_chat(room_id: str, user_id: str, limit: int, window_s: int) -> bool:
    """Fixed-window counter per member; True while under ``limit`` messages per window."""
    counter = keys.chat_rate(room_id, user_id)
    with redis.client.pipeline(transaction=True) as pipe:
        pipe.incr(counter)
        pipe.expire(counter, window_s, nx=True)
        count, _ = pipe.execute()
    return int(count) <= limit


def public_room_ids(offset: int, count: int) -> tuple[list[str], int]:
    index = keys.public_index()
    with redis.client.pipeline(transaction=True) as pipe:
        pipe.zrevrange(index, offset, offset + count - 1)
        pipe.zcard(index)
        ids, total = pipe.execute()
    return ids, int(total)


def all_room_ids() -> list[str]:
    return redis.zrange(keys.activity_index(), 0, -1)


def idle_room_ids(before_ms: int) -> list[str]:
    return redis.zrangebyscore(keys.activity_index(), "-inf", before_ms)


def forget(room_id: str) -> None:
    """Drop a room id from the indexes (its keys already expired)."""
    redis.zrem(keys.public_index(), room_id)
    redis.zrem(keys.activity_index(), room_id)


def count_event(minute: int) -> None:
    with redis.client.pipeline(transaction=False) as pipe:
        pipe.incr(keys.events_minute(minute))
        pipe.expire(keys.events_minute(minute), 180)
        pipe.execute()


def events_in_minute(minute: int) -> int:
    return int(redis.get(keys.events_minute(minute)) or 0)
