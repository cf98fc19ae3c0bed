"""Precomputed ranked lists in Redis, one hash per family of lists built together.

A family (``trending``: one list per window; ``popular``: overall, per genre and the genre
rows) is written whole in one transaction, so a reader never sees half of one build and half of
another. When a family is missing (a cold cache) the first reader builds it while the others
wait briefly; when Redis is down, every reader builds what it needs and nothing is stored.
"""
from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from app.core.outage import best_effort
from app.extensions import redis
from app.recommendations import keys

BUILT = "_built"  # a field every stored family has, so an empty family still exists
WAIT_FOR_BUILDER_S = 30.0  # then a waiting reader builds its own copy (the builder is gone or stuck)
BUILD_LOCK_S = 60


@dataclass(frozen=True)
class Ranked:
    """One ranked list: ``(content id, score)`` best first (personal lists add the id of the
    history title behind each pick, 0 for none), and the build that made it."""

    version: str
    generated_at: int  # epoch ms
    items: tuple[tuple, ...]

    def encode(self) -> str:
        return json.dumps({"version": self.version, "generatedAt": self.generated_at,
                           "items": [[item[0], round(item[1], 6), *item[2:]] for item in self.items]},
                          separators=(",", ":"))

    @classmethod
    def decode(cls, text: str) -> "Ranked":
        data = json.loads(text)
        return cls(data["version"], int(data["generatedAt"]),
                   tuple((int(item[0]), float(item[1]), *(int(x) for x in item[2:])) for item in data["items"]))

    @property
    def generated(self) -> datetime:
        return datetime.fromtimestamp(self.generated_at / 1000, tz=timezone.utc)


def version_stamp(name: str, generated_at_ms: int) -> str:
    """``name@2026-12-07T23:59:00.123Z``: which build produced a list."""
    moment = datetime.fromtimestamp(generated_at_ms / 1000, tz=timezone.utc)
    return f"{name}@{moment.strftime('%Y-%m-%dT%H:%M:%S')}.{generated_at_ms % 1000:03d}Z"


@best_effort("recommendation lists")
def store(family: str, fields: dict[str, str], ttl: int) -> None:
    key = keys.family(family)
    pipe = redis.pipeline(transaction=True)
    pipe.delete(key)
    pipe.hset(key, mapping={**fields, BUILT: str(int(time.time() * 1000))})
    pipe.expire(key, ttl)
    pipe.execute()


@best_effort("recommendation lists")
def _read(family: str, fields: list[str]) -> list[str | None] | None:
    """The fields asked for, or None when the family is not built (or Redis is down)."""
    values = redis.hmget(keys.family(family), [BUILT, *fields])
    return None if values[0] is None else values[1:]


@best_effort("recommendation lists", default=lambda family, token: True)
def _claim_build(family: str, token: str) -> bool:
    return bool(redis.set(keys.building(family), token, nx=True, ex=BUILD_LOCK_S))


_RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"


@best_effort("recommendation lists")
def _release_build(family: str, token: str) -> None:
    """Only our own claim: a builder slower than the lock's life must not free the next one's."""
    redis.eval(_RELEASE, 1, keys.building(family), token)


def read(family: str, fields: list[str], build: Callable[[], dict[str, str]], ttl: int) -> list[str | None]:
    """The fields of a family, building and storing it first when it is missing."""
    values = _read(family, fields)
    if values is not None:
        return values
    token = uuid.uuid4().hex
    deadline = time.monotonic() + WAIT_FOR_BUILDER_S
    claimed = _claim_build(family, token)
    while not claimed and time.monotonic() < deadline:
        time.sleep(0.05)
        values = _read(family, fields)
        if values is not None:
            return values
        claimed = _claim_build(family, token)
    # the builder, or a reader whose builder is stuck (its copy is stored all the same)
    try:
        built = build()
        store(family, built, ttl)
    finally:
        if claimed:
            _release_build(family, token)
    return [built.get(field) for field in fields]
