"""The Redis progress buffer: reports land here atomically; the flush drains it in batches.

One Lua script per report does the whole check-and-set (owner, ended, late timestamp, clamp,
watched time, dirty mark) in one round trip, so a report costs the web process one Redis call
and is durable once acknowledged, whatever happens to the process afterwards.
"""
from __future__ import annotations

from app.extensions import redis
from app.platform.lua import LuaScript
from app.playback import keys

UNKNOWN, ENDED, LATE, APPLIED = -1, -2, 0, 1

# KEYS: session hash, dirty set. ARGV: user id, position, state, client ts, now ms, ttl,
# session id, "1" to end the session. Watched time grows by forward progress, capped by the
# wall time since the previous report (plus 5 s of slack) so a seek is not counted as viewing.
_REPORT = """
local s = KEYS[1]
local f = redis.call('HMGET', s, 'user_id', 'ended', 'client_ts', 'position', 'reported_ms', 'duration')
if not f[1] or f[1] ~= ARGV[1] then return {-1} end
if f[2] == '1' then return {-2} end
local ending = ARGV[8] == '1'
local ts = tonumber(ARGV[4])
if ts < tonumber(f[3]) then
  if ending then
    redis.call('HSET', s, 'ended', '1', 'state', 'ended')
    redis.call('SADD', KEYS[2], ARGV[7])
  end
  return {0, f[4], f[6], ending and '1' or '0'}
end
local pos = tonumber(ARGV[2])
local duration = tonumber(f[6])
if duration > 0 and pos > duration then pos = duration end
local elapsed = (tonumber(ARGV[5]) - tonumber(f[5])) / 1000
local delta = pos - tonumber(f[4])
if delta > elapsed + 5 then delta = elapsed + 5 end
if delta < 0 then delta = 0 end
redis.call('HSET', s, 'position', tostring(pos), 'state', ARGV[3], 'client_ts', ARGV[4], 'reported_ms', ARGV[5])
if ending then redis.call('HSET', s, 'ended', '1', 'state', 'ended') end
redis.call('HINCRBYFLOAT', s, 'watched', tostring(delta))
redis.call('EXPIRE', s, tonumber(ARGV[6]))
redis.call('SADD', KEYS[2], ARGV[7])
return {1, tostring(pos), f[6], ending and '1' or '0'}
"""
_report_script = LuaScript(_REPORT)


def open_session(state: dict, ttl: int) -> None:
    """Store a new session's state and make it the user's active session on that item."""
    pipe = redis.pipeline(transaction=True)
    pipe.hset(keys.session(state["sid"]), mapping={k: "" if v is None else v for k, v in state.items()})
    pipe.expire(keys.session(state["sid"]), ttl)
    pipe.set(keys.active(state["user_id"], state["item_key"]), state["sid"], ex=ttl)
    pipe.execute()


def report(session_id: str, user_id: int, position: float, state: str, client_ts: int, now_ms: int, ttl: int,
           end: bool = False) -> tuple[int, float, float, bool]:
    """Apply one report; returns ``(outcome, stored position, duration, ended)``."""
    result = _report_script(keys=[keys.session(session_id), keys.dirty()],
                            args=[user_id, repr(float(position)), state, client_ts, now_ms, ttl, session_id,
                                  "1" if end else "0"])
    if len(result) < 4:
        return int(result[0]), 0.0, 0.0, False
    return int(result[0]), float(result[1]), float(result[2] or 0), result[3] == "1"


def read(session_id: str) -> dict:
    return redis.hgetall(keys.session(session_id))


def active_session(user_id: int, item: str) -> str | None:
    return redis.get(keys.active(user_id, item))


def forget(user_id: int, item: str | None, at_ms: int, ttl: int) -> None:
    """Forget what the user reported up to ``at_ms`` on ``item`` (every item when None)."""
    redis.set(keys.forgotten(user_id, item), at_ms, ex=ttl)


def forgotten_until(pairs: set[tuple[int, str]]) -> dict[tuple[int, str], int]:
    """For each (user id, item key): the server time (ms) up to which its reports are forgotten (0: none)."""
    pairs = sorted(pairs)
    if not pairs:
        return {}
    names = [name for user_id, item in pairs for name in (keys.forgotten(user_id), keys.forgotten(user_id, item))]
    values = [int(value or 0) for value in redis.mget(names)]
    return {pair: max(values[2 * index], values[2 * index + 1]) for index, pair in enumerate(pairs)}


def take_dirty() -> list[str]:
    """Move the dirty set into the flushing set (keeping what a dead flush left) and list it."""
    pipe = redis.pipeline(transaction=True)
    pipe.sunionstore(keys.flushing(), [keys.flushing(), keys.dirty()])
    pipe.delete(keys.dirty())
    pipe.smembers(keys.flushing())
    return sorted(pipe.execute()[2])


def read_many(session_ids: list[str]) -> list[dict]:
    pipe = redis.pipeline(transaction=False)
    for session_id in session_ids:
        pipe.hgetall(keys.session(session_id))
    return [state for state in pipe.execute() if state]


def finish_flush() -> None:
    redis.delete(keys.flushing())


def acquire_flush_lock(token: str, ttl: int = 120) -> bool:
    return bool(redis.set(keys.flush_lock(), token, nx=True, ex=ttl))


def release_flush_lock(token: str) -> None:
    if redis.get(keys.flush_lock()) == token:
        redis.delete(keys.flush_lock())


def mark_ended(session_ids: list[str]) -> None:
    pipe = redis.pipeline(transaction=False)
    for session_id in session_ids:
        pipe.hset(keys.session(session_id), mapping={"ended": "1", "state": "ended"})
        pipe.expire(keys.session(session_id), 3600)
    pipe.execute()
