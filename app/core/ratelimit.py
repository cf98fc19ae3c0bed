"""Rate-limit keys and exemptions for Flask-Limiter (counters live in Redis)."""
from __future__ import annotations

import time

from flask import g, has_request_context, request
from limits import errors as limits_errors
from limits.storage import RedisStorage
from limits.strategies import STRATEGIES, FixedWindowRateLimiter
from limits.util import WindowStats


def limiter_key() -> str:
    # request.remote_addr is already corrected by ProxyFix for TRUSTED_PROXY_COUNT hops,
    # so a client cannot pick its own key with a forged X-Forwarded-For.
    return request.remote_addr or "unknown"


def limiter_exempt() -> bool:
    from app.core.identity import internal_key_matches

    return internal_key_matches(request.headers.get("x-internal-key"))


def user_or_ip_key() -> str:
    """Per-user key for limits that the design states per user (falls back to the IP)."""
    from app.core.identity import current_identity
    from app.errors import AppError

    try:
        identity = current_identity()
    except AppError:
        identity = None
    if identity is not None and identity.user_id is not None:
        return f"user:{identity.user_id}"
    return limiter_key()


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
        key = item.key_for(*identifiers)
        try:
            current, ttl = self._hit_script()([self.storage.prefixed_key(key)], [item.get_expiry(), cost])
        except self.storage.base_exceptions as exc:  # same error type as limits' own storage calls
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
