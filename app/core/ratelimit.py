"""Rate limits on Flask-Limiter: keys, exemptions, the client budget, honest headers and a
one-round-trip strategy (counters live in Redis, shared by every process)."""
from __future__ import annotations

import logging
import time

from flask import current_app, g, has_request_context, request
from flask_limiter import Limiter
from limits import errors as limits_errors
from limits.storage import RedisStorage
from limits.strategies import STRATEGIES, FixedWindowRateLimiter
from limits.util import WindowStats

from app.core.identity import current_identity, internal_key_matches
from app.core.outage import note_redis_failure, redis_recently_failed
from app.errors import AppError


class _OneLineForOutages(logging.Filter):
    """Flask-Limiter logs a traceback for every request it lets through while Redis is down;
    outage.py already logs one line every few seconds for the same failure."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, limits_errors.StorageError)


logging.getLogger("flask-limiter").addFilter(_OneLineForOutages())


def limiter_key() -> str:
    # request.remote_addr is already corrected by ProxyFix for TRUSTED_PROXY_COUNT hops,
    # so a client cannot pick its own key with a forged X-Forwarded-For.
    return request.remote_addr or "unknown"


def limiter_exempt() -> bool:
    return internal_key_matches(request.headers.get("x-internal-key"))


def user_or_ip_key() -> str:
    """Per-user key for limits that the design states per user (falls back to the IP)."""
    try:
        identity = current_identity()
    except AppError:
        identity = None
    if identity is not None and identity.user_id is not None:
        return f"user:{identity.user_id}"
    return limiter_key()


def client_budget() -> str:
    """The one budget every client has across the whole API (``RATE_LIMIT_DEFAULT``).

    Read per request from the app's config, so each app built by ``create_app`` keeps its own
    setting even though the limiter is one module-level object.
    """
    return current_app.config.get("RATELIMIT_APPLICATION") or ""


# ---- which limit the headers describe ----------------------------------------------------------

def binding_limit(limits):
    """Of the limits a request was counted against, the one that refuses first: a breached one,
    else the one with the fewest requests left (on a tie, the one whose window ends later)."""
    if not limits:
        return None
    breached = [limit for limit in limits if limit.breached]
    if breached:
        return breached[0]
    return min(limits, key=lambda limit: (limit.remaining, -limit.reset_at))


class MarqueeLimiter(Limiter):
    """Flask-Limiter whose X-RateLimit-* headers describe the binding limit of the request.

    The client budget is counted before the request (an application limit) and a route's own
    limit when its view runs; Flask-Limiter keeps only the second evaluation for the headers,
    so a client near the end of its budget was told about a route limit with room to spare.
    Here every evaluation of the request is kept and the headers name the one that refuses first.
    """

    def _check_request_limit(self, callable_name: str | None = None, in_middleware: bool = True) -> None:
        earlier = list(self.context.view_rate_limits)
        try:
            super()._check_request_limit(callable_name=callable_name, in_middleware=in_middleware)
        finally:
            later = [limit for limit in self.context.view_rate_limits if limit not in earlier]
            counted = earlier + later
            self.context.view_rate_limits = counted
            if len(counted) > 1:
                try:
                    self.context.view_rate_limit = binding_limit(counted)
                except Exception:  # storage down: keep Flask-Limiter's choice (the limiter fails open)
                    pass


# ---- one Redis round trip per limit -------------------------------------------------------------
#
# Flask-Limiter's fixed window costs three round trips per request with headers on: the hit
# (INCRBY + EXPIRE in Lua), then a GET and a TTL when the X-RateLimit-* headers are written
# (RequestLimit.window -> get_window_stats). Under load those round trips were about a third of
# the web process's CPU. This strategy gets the count and the expiry from the hit itself and
# remembers them for the rest of the request, so the headers cost nothing more. Counters stay
# the same Redis keys (same prefix, same TTL), so processes still share them.

FIXED_WINDOW_ONE_TRIP = "marquee-fixed-window"

_HIT_SCRIPT = """
local amount = tonumber(ARGV[2])
local current = redis.call('incrby', KEYS[1], amount)
local ttl = redis.call('ttl', KEYS[1])
if tonumber(current) == amount or ttl < 0 then
    redis.call('expire', KEYS[1], ARGV[1])
    ttl = tonumber(ARGV[1])
end
return {current, ttl}
"""


def _request_windows() -> dict | None:
    if not has_request_context():
        return None
    windows = g.get("_rate_limit_windows")
    if windows is None:
        windows = g._rate_limit_windows = {}
    return windows


class OneTripFixedWindowRateLimiter(FixedWindowRateLimiter):
    """Fixed window whose hit also returns the window's count and expiry (one round trip)."""

    def __init__(self, storage):
        super().__init__(storage)
        self._script = None

    def _hit_script(self):
        if self._script is None:
            self._script = self.storage.get_connection().register_script(_HIT_SCRIPT)
        return self._script

    def hit(self, item, *identifiers: str, cost: int = 1) -> bool:
        if not isinstance(self.storage, RedisStorage):
            return super().hit(item, *identifiers, cost=cost)
        # Redis just failed: fail open at once instead of paying a socket timeout per limit
        if redis_recently_failed():
            raise limits_errors.StorageError(ConnectionError("Redis failed moments ago; limits skipped"))
        key = item.key_for(*identifiers)
        try:
            current, ttl = self._hit_script()([self.storage.prefixed_key(key)], [item.get_expiry(), cost])
        except self.storage.base_exceptions as exc:  # same error type as limits' own storage calls
            note_redis_failure("rate limiter", exc)
            raise limits_errors.StorageError(exc) from exc
        current, ttl = int(current), int(ttl)
        windows = _request_windows()
        if windows is not None:
            windows[key] = WindowStats(time.time() + max(ttl, 0), max(0, item.amount - current))
        return current <= item.amount

    def get_window_stats(self, item, *identifiers: str) -> WindowStats:
        windows = _request_windows()
        if windows is not None:
            known = windows.get(item.key_for(*identifiers))
            if known is not None:
                return known
        return super().get_window_stats(item, *identifiers)


# Flask-Limiter looks strategies up in limits' table by the RATELIMIT_STRATEGY name.
STRATEGIES[FIXED_WINDOW_ONE_TRIP] = OneTripFixedWindowRateLimiter
