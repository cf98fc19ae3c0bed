"""Rate limits on Flask-Limiter: keys, exemptions, the budgets (per client address and per signed-in
user), honest headers, a readable 429 and a one-round-trip strategy (counters live in Redis,
shared by every process)."""
from __future__ import annotations

import logging
import time

from flask import current_app, g, has_request_context, request
from flask_limiter import ApplicationLimit, Limiter, RateLimitExceeded
from limits import errors as limits_errors
from limits.storage import RedisStorage
from limits.strategies import STRATEGIES, FixedWindowRateLimiter
from limits.util import WindowStats

from app.core.identity import current_identity, internal_key_matches
from app.core.outage import note_redis_failure, redis_recently_failed
from app.errors import AppError, error_response


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
    """Services (``x-internal-key``) and CORS preflights are never counted nor limited: a preflight
    is the browser asking, not the client calling, and a refused one reads as a CORS failure."""
    return request.method == "OPTIONS" or internal_key_matches(request.headers.get("x-internal-key"))


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
    """The one budget every client address has across the whole API (``RATE_LIMIT_DEFAULT``).

    Read per request from the app's config, so each app built by ``create_app`` keeps its own
    setting even though the limiter is one module-level object.
    """
    return current_app.config.get("RATELIMIT_APPLICATION") or ""


USER_BUDGET_SCOPE = "user-budget"


def _signed_in_user_id() -> int | None:
    try:
        identity = current_identity()
    except AppError:  # a bad token is refused by the route that needs it; here it is nobody
        return None
    return identity.user_id if identity is not None else None


def user_budget() -> str:
    """The budget every signed-in user has across the whole API (``RATE_LIMIT_PER_USER``), on top
    of the address's: one user behind many addresses is still one user."""
    return current_app.config.get("RATELIMIT_PER_USER") or ""


def user_budget_key() -> str:
    return f"user:{_signed_in_user_id()}"


def not_signed_in() -> bool:
    """Anonymous callers (and services) have only the address budget."""
    return _signed_in_user_id() is None


def budgets() -> list:
    """The application limits of the module-level limiter: every API route spends both."""
    return [client_budget, ApplicationLimit(limit_provider=user_budget, key_function=user_budget_key,
                                            scope=USER_BUDGET_SCOPE, exempt_when=not_signed_in)]


# ---- the 429 ------------------------------------------------------------------------------------

def describe_limit(item) -> str:
    """``5 per 15 minute`` as a person writes it: ``5 requests per 15 minutes``."""
    requests_ = "request" if item.amount == 1 else "requests"
    unit = item.GRANULARITY.name
    window = unit if item.multiples == 1 else f"{item.multiples} {unit}s"
    return f"{item.amount} {requests_} per {window}"


def rate_limited_response(exc: RateLimitExceeded):
    """The envelope of a 429, naming the limit that refused: its rule, whom it counts (a client
    address or a user) and whether it is a budget across the API or this route's own limit."""
    limit = exc.limit
    text = describe_limit(limit.limit)
    try:
        per = "user" if limit.key_func().startswith("user:") else "address"
    except Exception:  # a key function that cannot run here names nobody
        per = None
    budget = limit.scope in ("global", USER_BUDGET_SCOPE)
    details = {"limit": text, "per": per, "appliesTo": "api" if budget else "route"}
    return error_response("RATE_LIMIT_ERROR", f"Too many requests: {text}", 429, details)


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
        if in_middleware:
            self._plan_budget_hits()
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

    def _plan_budget_hits(self) -> None:
        """Name, before Flask-Limiter counts them one by one, the budgets this request will spend,
        so the strategy counts them all in one script call (one Redis round trip, not one each).

        The keys are built exactly as Flask-Limiter builds them for an application limit, and in
        its order; a budget it ends up not counting (exempt request or route) is never sent,
        because the batch only runs when Flask-Limiter hits one of its keys.
        """
        g._rate_limit_batch = None
        if not (self.enabled and self.initialized) or not_signed_in():
            return  # anonymous: the address budget alone, nothing to batch
        try:
            endpoint = self.identify_request()
            planned = []
            for lim in sorted(self.limit_manager.application_limits, key=lambda lim: lim.limit):
                if lim.is_exempt or lim.method_exempt:
                    continue
                args = [lim.key_func(), lim.scope_for(endpoint, request.method)]
                if not all(args):
                    continue
                if self._key_prefix:
                    args = [self._key_prefix, *args]
                planned.append((lim.limit.key_for(*args), lim.limit, lim.deduction_amount))
        except AppError:
            return
        g._rate_limit_batch = planned if len(planned) > 1 else None


# ---- one Redis round trip per request's budgets, one per route limit -----------------------------
#
# Flask-Limiter's fixed window costs three round trips per request with headers on: the hit
# (INCRBY + EXPIRE in Lua), then a GET and a TTL when the X-RateLimit-* headers are written
# (RequestLimit.window -> get_window_stats). Under load those round trips were about a third of
# the web process's CPU. This strategy gets the count and the expiry from the hit itself and
# remembers them for the rest of the request, so the headers cost nothing more. The budgets of
# a signed-in caller (address and user) are counted by one call of the same script: the first
# budget's hit counts the others planned by MarqueeLimiter, in Flask-Limiter's order, stopping
# after a refused one as Flask-Limiter does. Counters stay the same Redis keys (same prefix, same
# TTL), so processes still share them.

FIXED_WINDOW_ONE_TRIP = "marquee-fixed-window"

# KEYS: the counters; ARGV per key: window seconds, cost, amount. Returns count, ttl per key hit.
_HIT_SCRIPT = """
local out = {}
for i, key in ipairs(KEYS) do
    local expiry = tonumber(ARGV[i * 3 - 2])
    local cost = tonumber(ARGV[i * 3 - 1])
    local current = redis.call('incrby', key, cost)
    local ttl = redis.call('ttl', key)
    if current == cost or ttl < 0 then
        redis.call('expire', key, expiry)
        ttl = expiry
    end
    out[#out + 1] = current
    out[#out + 1] = ttl
    if current > tonumber(ARGV[i * 3]) then
        break
    end
end
return out
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
        counted = g.get("_rate_limit_counted") if has_request_context() else None
        if counted and key in counted:  # counted with the request's first budget
            return counted.pop(key) <= item.amount
        hits = [(key, item, cost)]
        batch = g.get("_rate_limit_batch") if has_request_context() else None
        if batch and batch[0][0] == key:  # the first budget: count them all, once per request
            g._rate_limit_batch = None
            hits = batch
        results = self._count(hits)
        if len(results) > 1:
            g._rate_limit_counted = dict(results[1:])
        return results[0][1] <= item.amount

    def _count(self, hits: list) -> list[tuple[str, int]]:
        """Count each (key, item, cost) in one script call; (key, count) for each one counted."""
        # Redis just failed: fail open at once instead of paying a socket timeout per limit
        if redis_recently_failed():
            raise limits_errors.StorageError(ConnectionError("Redis failed moments ago; limits skipped"))
        args = []
        for _, item, cost in hits:
            args += [item.get_expiry(), cost, item.amount]
        try:
            reply = self._hit_script()([self.storage.prefixed_key(key) for key, _, _ in hits], args)
        except self.storage.base_exceptions as exc:  # same error type as limits' own storage calls
            note_redis_failure("rate limiter", exc)
            raise limits_errors.StorageError(exc) from exc
        windows = _request_windows()
        results = []
        for (key, item, _), current, ttl in zip(hits, reply[0::2], reply[1::2]):
            current, ttl = int(current), int(ttl)
            if windows is not None:
                windows[key] = WindowStats(time.time() + max(ttl, 0), max(0, item.amount - current))
            results.append((key, current))
        return results

    def get_window_stats(self, item, *identifiers: str) -> WindowStats:
        windows = _request_windows()
        if windows is not None:
            known = windows.get(item.key_for(*identifiers))
            if known is not None:
                return known
        return super().get_window_stats(item, *identifiers)


# Flask-Limiter looks strategies up in limits' table by the RATELIMIT_STRATEGY name.
STRATEGIES[FIXED_WINDOW_ONE_TRIP] = OneTripFixedWindowRateLimiter
