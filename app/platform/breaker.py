"""Circuit breakers for outbound targets, with their state in Redis so every process agrees.

The decisions come from ``app.core.breaker_state`` (pure); this module loads a state, applies
the decision and writes it back in one optimistic Redis transaction, so two processes racing
for the single half-open trial cannot both win it.
"""
from __future__ import annotations

import time
from contextlib import contextmanager

import redis as redis_lib
from flask import current_app

from app.core import breaker_state as bs
from app.core.keys import key
from app.errors import NotFoundError, ServiceUnavailableError
from app.extensions import redis

STATE_TTL_SECONDS = 7 * 24 * 3600  # a target nobody called for a week is forgotten
STATE_VALUES = {bs.CLOSED: 0, bs.HALF_OPEN: 1, bs.OPEN: 2}


def breaker_key(name: str) -> str:
    return key("breaker", name)


def breaker_index_key() -> str:
    return key("breakers")


def transitions_key() -> str:
    return key("metrics", "breakers", "transitions")


class CircuitOpenError(ServiceUnavailableError):
    """An open breaker refused the call without trying it."""

    def __init__(self, name: str, retry_after: float) -> None:
        seconds = max(1, int(retry_after + 0.999))
        super().__init__(f"{name} is failing; calls are paused for {seconds}s", details={"breaker": name,
                         "retryAfter": seconds}, headers={"Retry-After": str(seconds)})
        self.name = name


def policy() -> bs.BreakerPolicy:
    config = current_app.config
    return bs.BreakerPolicy(config.get("BREAKER_FAILURE_THRESHOLD", 5), config.get("BREAKER_OPEN_SECONDS", 60.0),
                            config.get("BREAKER_RESET_SECONDS", 30.0))


def _load(pipe, name: str) -> bs.BreakerState:
    return bs.BreakerState.from_dict(pipe.hgetall(breaker_key(name)))


def _store(pipe, name: str, before: bs.BreakerState, after: bs.BreakerState) -> None:
    pipe.multi()
    state_key = breaker_key(name)
    pipe.delete(state_key)
    pipe.hset(state_key, mapping={k: (str(v).lower() if isinstance(v, bool) else v)
                                  for k, v in after.as_dict().items()})
    pipe.expire(state_key, STATE_TTL_SECONDS)
    pipe.zadd(breaker_index_key(), {name: time.time()})
    pipe.expire(breaker_index_key(), STATE_TTL_SECONDS)
    if before.state != after.state:
        pipe.hincrby(transitions_key(), f"{name}|{before.state}|{after.state}", 1)


def _apply(name: str, step) -> tuple[bs.BreakerState, object]:
    """Run ``step(state) -> (new_state, result)`` atomically; returns the new state and result."""
    outcome: dict = {}

    def work(pipe):
        before = _load(pipe, name)
        after, result = step(before)
        outcome["state"], outcome["result"] = after, result
        if after != before:
            _store(pipe, name, before, after)

    redis.client.transaction(work, breaker_key(name))
    return outcome["state"], outcome["result"]


def allow(name: str) -> None:
    """Raise ``CircuitOpenError`` unless a call to ``name`` may go out now."""
    rules, now = policy(), time.time()

    def step(current):
        decision = bs.before_call(current, rules, now)
        return decision.state, decision

    _, decision = _apply(name, step)
    if not decision.allowed:
        raise CircuitOpenError(name, decision.retry_after)


def is_open(name: str) -> bool:
    """True when a call would be refused now (read-only: does not take the half-open trial)."""
    decision = bs.before_call(bs.BreakerState.from_dict(redis.hgetall(breaker_key(name))), policy(), time.time())
    return not decision.allowed


def record_success(name: str) -> None:
    rules, now = policy(), time.time()
    _apply(name, lambda current: (bs.on_success(current, rules, now), None))


def record_failure(name: str) -> None:
    rules, now = policy(), time.time()
    _apply(name, lambda current: (bs.on_failure(current, rules, now), None))


@contextmanager
def guarded(name: str):
    """``with guarded("host:example.com"):`` refuses fast when open; an exception counts as a failure."""
    allow(name)
    try:
        yield
    except Exception:
        record_failure(name)
        raise
    record_success(name)


def describe(name: str, raw: dict | None = None) -> dict:
    state = bs.BreakerState.from_dict(raw if raw is not None else redis.hgetall(breaker_key(name)))
    rules = policy()
    retry_after = None
    if state.state == bs.OPEN and not state.forced:
        retry_after = max(0.0, round(state.opened_at + rules.open_seconds - time.time(), 3))
    return {"name": name, "state": state.state, "failures": state.failures, "forced": state.forced,
            "openedAt": _ms(state.opened_at), "lastFailureAt": _ms(state.last_failure_at),
            "retryAfterSeconds": retry_after, "failureThreshold": rules.failure_threshold,
            "openSeconds": rules.open_seconds, "resetSeconds": rules.reset_seconds}


def _ms(seconds: float) -> int | None:
    return int(seconds * 1000) if seconds else None


def list_breakers() -> list[dict]:
    names = redis.zrange(breaker_index_key(), 0, -1)
    pipe = redis.client.pipeline(transaction=False)
    for name in names:
        pipe.hgetall(breaker_key(name))
    return [describe(name, raw) for name, raw in zip(names, pipe.execute()) if raw]


def _known(name: str) -> None:
    if redis.zscore(breaker_index_key(), name) is None or not redis.exists(breaker_key(name)):
        raise NotFoundError(f"No circuit breaker named {name!r}", code="BREAKER_NOT_FOUND")


def reset(name: str) -> dict:
    """Close the breaker and forget its failures (operator action)."""
    _known(name)
    _apply(name, lambda current: (bs.BreakerState(), None))
    return describe(name)


def force_open(name: str) -> dict:
    """Open the breaker until an operator resets it."""
    _known(name)
    now = time.time()
    _apply(name, lambda current: (bs.forced_open(now), None))
    return describe(name)


def export_states() -> tuple[list[tuple[str, str]], dict[str, int]]:
    """For /metrics: (name, state) pairs and the transition counters, from Redis."""
    try:
        breakers = [(b["name"], b["state"]) for b in list_breakers()]
        transitions = {field: int(value) for field, value in redis.hgetall(transitions_key()).items()}
    except redis_lib.RedisError:
        return [], {}
    return breakers, transitions
