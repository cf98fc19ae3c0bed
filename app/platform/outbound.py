"""The outbound HTTP client every domain uses for calls to the internet.

One call: refuse targets that ``app.core.addresses`` forbids, ask the target's circuit breaker,
then send through the proxy pool (retrying on the next healthy proxy when one fails) or
directly, and report the outcome to the breakers and the pool. The URL is judged before the
call, and the address each connection actually opens to is judged again as it opens
(``app.platform.guarded_http``): the target's under ``ALLOW_PRIVATE_TARGETS``, a proxy's under
the policy its lease carries. The pool itself belongs to the
proxies domain, which registers it at start-up (``register_proxy_pool``); core only knows the
small interface below, the same inversion as the token resolver in ``app.core.identity``.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

import requests
from flask import current_app

from app.platform import breaker
from app.core.addresses import AddressRefused, describe_refusal, host_refusal
from app.platform.guarded_http import connection_policy, guarded_session
from app.errors import BadGatewayError, GatewayTimeoutError, ServiceUnavailableError, ValidationError

# requests raises these when the proxy (or the network on the way) failed, not the target's answer.
PROXY_FAILURES = (requests.exceptions.ProxyError, requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                  requests.exceptions.ChunkedEncodingError)


class PrivateTargetError(ValidationError):
    def __init__(self, message: str, field: str = "url") -> None:
        super().__init__(message, field=field, code="PRIVATE_TARGET")


@dataclass(frozen=True)
class ProxyLease:
    id: str
    url: str
    allow_private: bool = False  # may the connection to this proxy reach loopback/private addresses


class ProxyPool(Protocol):
    def acquire(self, exclude: set[str]) -> ProxyLease | None: ...

    def release(self, lease: ProxyLease, ok: bool, latency_ms: float | None, error: str | None) -> None: ...


def register_proxy_pool(app, pool: ProxyPool) -> None:
    app.extensions["marquee.proxy_pool"] = pool


def target_breaker_name(url: str) -> str:
    """``host:<name>``, plus the port when it is not the scheme's default (another service)."""
    parts = urlsplit(url)
    name = f"host:{(parts.hostname or '').lower()}"
    return f"{name}:{parts.port}" if parts.port and parts.port != {"http": 80, "https": 443}.get(parts.scheme) else name


def proxy_breaker_name(proxy_id: str) -> str:
    return f"proxy:{proxy_id}"


def check_target(url: str, *, field: str = "url", storing: bool = False) -> None:
    """Raise ``PrivateTargetError`` (naming ``field``) when ``url`` is not http(s) or is, or
    resolves to, an address we must not call.

    ``storing``: the URL is being saved to be called later (a custom provider), so a name that
    does not resolve is refused too unless private targets are allowed; for a call, it simply
    fails to connect (502).
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ValidationError(f"Not a valid URL: {exc}", field=field) from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError("Only absolute http and https URLs can be fetched", field=field)
    reason = host_refusal(parts.hostname, port or (443 if parts.scheme == "https" else 80),
                          allow_private=current_app.config.get("ALLOW_PRIVATE_TARGETS", False))
    if reason and (storing or reason != "unresolvable"):
        raise PrivateTargetError(f"{describe_refusal(parts.hostname, reason)}; refusing to call it", field=field)


_local = threading.local()


def _session() -> requests.Session:
    # one session per thread: keeps connections alive without sharing a pool across threads
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = guarded_session()
        session.trust_env = False  # the pool decides about proxies, not HTTP_PROXY in the environment
    return session


def _refusal_in(exc: BaseException) -> AddressRefused | None:
    """The address refusal behind a requests/urllib3 error, however deep they wrapped it."""
    stack, seen = [exc], set()
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, AddressRefused):
            return current
        stack += [current.__cause__, current.__context__, getattr(current, "reason", None),
                  *(arg for arg in getattr(current, "args", ()) if isinstance(arg, BaseException))]
    return None


def _describe(exc: Exception) -> str:
    refused = _refusal_in(exc)
    if refused is not None:
        return f"Refused to connect: {refused}"[:300]
    return f"{type(exc).__name__}: {exc}"[:300]


def request(method: str, url: str, *, timeout: float | None = None, use_proxy: bool | None = None,
            retries: int | None = None, **kwargs) -> requests.Response:
    """Send one request and return the response (any status); redirects are returned, not followed,
    so a redirect cannot lead to a private address.

    Raises ``PrivateTargetError`` (422), ``CircuitOpenError``/``ServiceUnavailableError`` (503),
    ``GatewayTimeoutError`` (504) or ``BadGatewayError`` (502).
    """
    config = current_app.config
    check_target(url)
    timeout = timeout or config.get("OUTBOUND_TIMEOUT", 10.0)
    target = target_breaker_name(url)
    breaker.allow(target)
    kwargs["allow_redirects"] = False
    pool: ProxyPool | None = current_app.extensions.get("marquee.proxy_pool")
    if use_proxy is None:
        use_proxy = config.get("OUTBOUND_USE_PROXY", True)
    if use_proxy and pool is not None:
        response = _through_pool(pool, method, url, timeout, config.get("PROXY_MAX_RETRIES", 3) if retries is None
                                 else retries, kwargs)
        if response is not None:
            return _settle(target, response)
        if not config.get("PROXY_FALLBACK_DIRECT", True):
            raise ServiceUnavailableError("No healthy proxy is available for outbound calls",
                                          code="NO_HEALTHY_PROXY")
    return _direct(target, method, url, timeout, kwargs)


def _through_pool(pool: ProxyPool, method: str, url: str, timeout: float, retries: int, kwargs: dict):
    """The response through the first proxy that answers, or None when no healthy proxy is left."""
    tried: set[str] = set()
    last_error: Exception | None = None
    for _ in range(max(0, retries) + 1):
        lease = pool.acquire(tried)
        if lease is None:
            break
        tried.add(lease.id)
        started = time.perf_counter()
        try:
            with connection_policy(allow_private=lease.allow_private):
                response = _session().request(method, url, timeout=timeout,
                                              proxies={"http": lease.url, "https": lease.url}, **kwargs)
        except PROXY_FAILURES as exc:
            last_error = exc
            pool.release(lease, False, None, _describe(exc))
            breaker.record_failure(proxy_breaker_name(lease.id))
            continue
        pool.release(lease, True, (time.perf_counter() - started) * 1000, None)
        breaker.record_success(proxy_breaker_name(lease.id))
        return response
    if last_error is not None and len(tried) > retries:
        # every attempt failed on a proxy that was healthy a moment ago: report it, don't go around it
        if isinstance(last_error, requests.exceptions.Timeout):
            raise GatewayTimeoutError(f"No proxy answered within {timeout:g}s ({len(tried)} tried)")
        raise BadGatewayError(f"Every proxy tried failed ({len(tried)}): {_describe(last_error)}")
    return None


def _direct(target: str, method: str, url: str, timeout: float, kwargs: dict) -> requests.Response:
    try:
        with connection_policy(allow_private=current_app.config.get("ALLOW_PRIVATE_TARGETS", False)):
            response = _session().request(method, url, timeout=timeout, **kwargs)
    except requests.exceptions.Timeout as exc:
        breaker.record_failure(target)
        raise GatewayTimeoutError(f"{urlsplit(url).hostname} did not answer within {timeout:g}s") from exc
    except requests.exceptions.RequestException as exc:
        breaker.record_failure(target)
        raise BadGatewayError(f"{urlsplit(url).hostname} could not be reached: {_describe(exc)}") from exc
    return _settle(target, response)


def _settle(target: str, response: requests.Response) -> requests.Response:
    if response.status_code >= 500:
        breaker.record_failure(target)
    else:
        breaker.record_success(target)
    return response


def get(url: str, **kwargs) -> requests.Response:
    return request("GET", url, **kwargs)


def head(url: str, **kwargs) -> requests.Response:
    return request("HEAD", url, **kwargs)
