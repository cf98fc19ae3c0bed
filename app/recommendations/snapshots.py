"""Versioned model outputs in Redis: written under a new version, then the pointer swapped.

A snapshot (``similar``; the personalized model later) is too large to rewrite in one MULTI, so
it is written beside the live one under its own version and published by moving the
``current`` pointer in one command; readers either see the old version or the new one, whole.
The old version's keys expire a little later, so a request that read the old pointer just
before the swap still finds its lists.
"""
from __future__ import annotations

from app.core.outage import best_effort
from app.extensions import redis
from app.recommendations import keys

FIELDS_PER_WRITE = 5_000
OLD_VERSION_GRACE_S = 120
UNPUBLISHED_TTL_S = 24 * 3600  # a snapshot whose writer died before the swap goes by itself


def publish(name: str, version: str, lists: dict[str, str], blobs: dict[str, str]) -> str | None:
    """Write a snapshot and make it current; returns the version it replaced."""
    lists_key = keys.snapshot_lists(name, version)
    written = [keys.snapshot_blob(name, version, blob) for blob in blobs]
    items = list(lists.items())
    pipe = redis.pipeline(transaction=False)
    for start in range(0, len(items), FIELDS_PER_WRITE):
        pipe.hset(lists_key, mapping=dict(items[start:start + FIELDS_PER_WRITE]))
        pipe.expire(lists_key, UNPUBLISHED_TTL_S)
    if items:
        written.append(lists_key)
    for blob, text in blobs.items():
        pipe.set(keys.snapshot_blob(name, version, blob), text, ex=UNPUBLISHED_TTL_S)
    pipe.execute()
    pipe = redis.pipeline(transaction=True)  # the swap and the keys made permanent together
    pipe.set(keys.current(name), version, get=True)
    for key in written:
        pipe.persist(key)
    previous = pipe.execute()[0]
    if previous and previous != version:
        retire(name, previous)
    return previous


def retire(name: str, version: str) -> None:
    pipe = redis.pipeline(transaction=False)
    for key in redis.scan_iter(match=keys.snapshot_pattern(name, version), count=1000):
        pipe.expire(key, OLD_VERSION_GRACE_S)
    pipe.execute()


@best_effort("recommendation models")
def current(name: str) -> str | None:
    return current_or_raise(name)


def current_or_raise(name: str) -> str | None:
    """The current version, with a Redis outage raised (for the worker: an outage is not "no model")."""
    return redis.get(keys.current(name))


@best_effort("recommendation models")
def read_list(name: str, version: str, field: str) -> str | None:
    return redis.hget(keys.snapshot_lists(name, version), field)


@best_effort("recommendation models")
def read_blob(name: str, version: str, blob: str) -> str | None:
    return redis.get(keys.snapshot_blob(name, version, blob))
