"""Redis outages: which errors mean "Redis is unreachable", the 503 they become, and the
best-effort wrapper for code that only caches in Redis.

Two kinds of Redis use, two answers when it is down:

- Redis as a **cache** (catalog counts, provider catalog and embeds, trending, proxy pool
  members, provider status): wrap the cache access in ``best_effort`` and the caller goes
  to the source (the database, the registry) or shows "unknown".
- Redis as the **state itself** (rooms, progress reports, breakers, queues): let the error
  rise. ``register_outage_handler`` turns it into ``503 SERVICE_UNAVAILABLE`` with
  ``Retry-After``, so the client retries and nothing is half-written.
"""
from __future__ import annotations

import functools
import logging
import time
from typing import Any, Callable, TypeVar

import redis as redis_lib
from flask import Flask, current_app, has_app_context
from kombu.exceptions import OperationalError as BrokerError
from limits.errors import StorageError

from app.errors import ServiceUnavailableError, handle_app_error

log = logging.getLogger(__name__)

# redis-py raises ConnectionError/TimeoutError (BusyLoadingError is a ConnectionError); kombu
# wraps them in OperationalError when a task cannot be queued; limits in StorageError when the
# limiter is told not to fail open.
REDIS_OUTAGE_ERRORS: tuple[type[BaseException], ...] = (
    redis_lib.exceptions.ConnectionError, redis_lib.exceptions.TimeoutError, BrokerError, StorageError,
)
DEFAULT_RETRY_AFTER = 5
# After a cache access failed, cache accesses skip Redis for this long: a frozen Redis costs one
# request a socket timeout, not every request one per cache read. One probe a second recovers.
SKIP_CACHE_AFTER_FAILURE_S = 1.0

T = TypeVar("T")


def retry_after_seconds() -> int:
    if has_app_context():
        return int(current_app.config.get("REDIS_OUTAGE_RETRY_AFTER", DEFAULT_RETRY_AFTER))
    return DEFAULT_RETRY_AFTER


class RedisUnavailableError(ServiceUnavailableError):
    message = "Redis is unavailable; nothing was changed, try again shortly"

    def __init__(self, message: str | None = None) -> None:
        seconds = retry_after_seconds()
        super().__init__(message, details={"dependency": "redis", "retryAfter": seconds},
                         headers={"Retry-After": str(seconds)})


def is_redis_outage(exc: BaseException) -> bool:
    return isinstance(exc, REDIS_OUTAGE_ERRORS)


def _handle_outage(exc: Exception):
    _log_outage("request", exc)
    return handle_app_error(RedisUnavailableError())


def register_outage_handler(app: Flask) -> None:
    """Every request that needs Redis as its state answers 503 + Retry-After while it is down."""
    for error in REDIS_OUTAGE_ERRORS:
        app.register_error_handler(error, _handle_outage)


_last_logged = {"at": 0.0}
_cache_down_until = {"at": 0.0}


def _log_outage(what: str, exc: BaseException) -> None:
    # one line every few seconds per process, not one traceback per request
    now = time.monotonic()
    if now - _last_logged["at"] >= 5:
        _last_logged["at"] = now
        log.warning("Redis unavailable (%s): %s: %s", what, type(exc).__name__, exc)


def redis_recently_failed() -> bool:
    """True for SKIP_CACHE_AFTER_FAILURE_S after a best-effort Redis call failed in this process."""
    return time.monotonic() < _cache_down_until["at"]


def note_redis_failure(what: str, exc: BaseException) -> None:
    _cache_down_until["at"] = time.monotonic() + SKIP_CACHE_AFTER_FAILURE_S
    _log_outage(what, exc)


def best_effort(what: str, default: Any = None) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Decorator for code that only caches in Redis: on an outage, log and return ``default``
    (a callable default is called with the same arguments, e.g. to compute from the source)."""

    def decorator(func: Callable[..., T]) -> Callable[..., T]:
        def fallback(*args, **kwargs):
            return default(*args, **kwargs) if callable(default) else default

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            if redis_recently_failed():
                return fallback(*args, **kwargs)
            try:
                return func(*args, **kwargs)
            except REDIS_OUTAGE_ERRORS as exc:
                note_redis_failure(what, exc)
                return fallback(*args, **kwargs)

        return wrapper

    return decorator
