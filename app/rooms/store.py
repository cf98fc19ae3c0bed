"""Rooms in Redis (every Redis access of the domain): one hash per room and one hash of members,
changed optimistically; chat, the room indexes, and each user's rooms and sockets.

``mutate`` applies a pure change to fresh copies and commits them with a Lua compare-and-set
on the version; a concurrent writer (another greenlet or process) makes the CAS fail and the
change is re-applied to the newer room, so no update is ever lost. The read before the CAS is
skipped when this process wrote the room last (see ``_recent``).
"""
from __future__ import annotations

import json
import time
from typing import Any, Callable

from app.errors import AppError, ServiceUnavailableError
from app.extensions import redis
from app.platform.lua import LuaScript
from app.rooms import keys
from app.rooms.errors import RoomNotFound

MAX_ATTEMPTS = 50


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
    _recent.pop(keys.room(room_id), None)
    with redis.client.pipeline(transaction=True) as pipe:
        pipe.delete(keys.room(room_id), keys.participants(room_id), keys.chat(room_id))
        pipe.zrem(keys.public_index(), room_id)
        pipe.zrem(keys.activity_index(), room_id)
        pipe.execute()


# Compare-and-set: the write lands only if nobody bumped the version since we read the room.
# One round trip for the read and one for this script, instead of WATCH/MULTI's five or more.
_CAS = """
local current = redis.call('HGET', KEYS[1], 'version')
if current ~= ARGV[1] then return 0 end
local ttl = tonumber(ARGV[4])
local function publish(i)
  local n_pub = tonumber(ARGV[i])
  i = i + 1
  for _ = 1, n_pub do
    redis.call('PUBLISH', ARGV[i], ARGV[i + 1])
    i = i + 2
  end
end
if ARGV[5] == '1' then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[5])
  redis.call('ZREM', KEYS[3], ARGV[6])
  redis.call('ZREM', KEYS[4], ARGV[6])
  publish(tonumber(ARGV[8]))
  return 1
end
redis.call('HSET', KEYS[1], 'room', ARGV[2], 'version', ARGV[3])
redis.call('EXPIRE', KEYS[1], ttl)
local n_set = tonumber(ARGV[9])
local i = 10
for _ = 1, n_set do
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
  i = i + 2
end
local n_del = tonumber(ARGV[i])
i = i + 1
for _ = 1, n_del do
  redis.call('HDEL', KEYS[2], ARGV[i])
  i = i + 1
end
redis.call('EXPIRE', KEYS[2], ttl)
redis.call('ZADD', KEYS[3], ARGV[7], ARGV[6])
redis.call('INCR', KEYS[6])
redis.call('EXPIRE', KEYS[6], 180)
publish(tonumber(ARGV[8]))
return 1
"""
_cas = LuaScript(_CAS)


# The room as this process last wrote it, by room key: (raw room hash, raw members hash), exactly
# the strings Redis holds at that version. A change starts from it and goes straight to the
# compare-and-set, which checks the version, so a hit saves the read round trip and a stale entry
# only costs a refused CAS and a fresh read. Nothing is trusted from it alone: a refusal
# (``AppError`` from ``change``) is re-checked against a fresh read before it is raised.
_recent: dict[str, tuple[dict, dict]] = {}
_RECENT_MAX = 10_000


def _remember(room_key: str, raw_room: dict, raw_members: dict) -> None:
    held = _recent.get(room_key)
    if held is not None and int(held[0]["version"]) >= int(raw_room["version"]):
        return  # a later write of ours already landed (greenlets resume in any order)
    if len(_recent) >= _RECENT_MAX:
        _recent.clear()
    _recent[room_key] = (raw_room, raw_members)


def _read(room_key: str, members_key: str) -> tuple[dict, dict]:
    with redis.client.pipeline(transaction=False) as pipe:
        pipe.hgetall(room_key)
        pipe.hgetall(members_key)
        raw_room, raw_members = pipe.execute()
    return raw_room, raw_members


def mutate(room_id: str, change: Callable[[dict, dict], Any], ttl: int,
           publications: Callable[[], list[tuple[str, str]]] | None = None) -> tuple[Any, dict, dict]:
    """Apply ``change(room, participants)`` atomically; returns (its result, room, participants).

    ``change`` may raise an ``AppError`` to refuse; nothing is written then. Setting
    ``room["closed"] = True`` deletes the room instead of saving it. A concurrent writer makes
    the compare-and-set fail and the change is re-applied to the newer room. ``publications()``,
    called after a successful ``change``, gives (channel, message) pairs published by the same
    script only if the write lands, so nobody hears of a refused or retried attempt.
    """
    room_key, members_key = keys.room(room_id), keys.participants(room_id)
    cached = _recent.get(room_key)
    for _ in range(MAX_ATTEMPTS):
        fresh = cached is None
        # No MULTI needed: if the members moved after the room hash was read, the version moved too
        # and the compare-and-set below refuses.
        raw_room, raw_members = _read(room_key, members_key) if fresh else cached
        cached = None
        loaded = _decode(raw_room, raw_members)  # fresh copies: ``change`` may mutate them and fail
        if loaded is None:
            _recent.pop(room_key, None)
            raise RoomNotFound()
        room, participants = loaded
        expected = raw_room.get("version", "0")
        try:
            result = change(room, participants)
        except AppError:
            if fresh:
                raise
            continue  # judged on our last copy; refuse only on the room as Redis holds it
        room["version"] += 1
        encoded = {uid: json.dumps(m) for uid, m in participants.items()}
        changed = {uid: text for uid, text in encoded.items() if raw_members.get(uid) != text}
        removed = [uid for uid in raw_members if uid not in participants]
        body = json.dumps({k: v for k, v in room.items() if k != "version"})
        closed = bool(room.get("closed"))
        published = publications() if publications else []
        args = [expected, body, room["version"], ttl, "1" if closed else "0", room_id, room["lastActivity"],
                0, len(changed)]
        for uid, text in changed.items():
            args += [uid, text]
        args += [len(removed), *removed]
        args[7] = len(args) + 1  # where the publications start (1-based, as Lua counts ARGV)
        args.append(len(published))
        for pair in published:
            args += pair
        event_counter = keys.events_minute(int(time.time() // 60))  # /stats: room events per minute
        written = _cas(keys=[room_key, members_key, keys.activity_index(), keys.public_index(), keys.chat(room_id),
                             event_counter], args=args)
        if written:
            if room.get("closed"):
                _recent.pop(room_key, None)
            else:
                _remember(room_key, {"room": body, "version": str(room["version"])}, encoded)
            return result, room, participants
        _recent.pop(room_key, None)
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


def events_in_minute(minute: int) -> int:
    return int(redis.get(keys.events_minute(minute)) or 0)


# ---- a user's rooms and sockets (any process), so a reconnecting or REST caller finds them ----

def add_user_room(user_id: str, room_id: str, ttl: int) -> None:
    redis.sadd(keys.user_rooms(user_id), room_id)
    redis.expire(keys.user_rooms(user_id), ttl)


def remove_user_room(user_id: str, room_id: str) -> None:
    redis.srem(keys.user_rooms(user_id), room_id)


def user_room_ids(user_id: str) -> set[str]:
    return redis.smembers(keys.user_rooms(user_id))


def add_user_socket(user_id: str, sid: str, ttl: int) -> None:
    redis.sadd(keys.user_sockets(user_id), sid)
    redis.expire(keys.user_sockets(user_id), ttl)


def remove_user_socket(user_id: str, sid: str) -> None:
    redis.srem(keys.user_sockets(user_id), sid)


def user_socket_ids(user_id: str) -> list[str]:
    """Every socket the user has open on any process (stale ids of dead processes are harmless:
    entering or leaving a room for an unknown sid is a no-op in the Socket.IO manager)."""
    return list(redis.smembers(keys.user_sockets(user_id)))
