"""Provider health checks: every provider at once, HEAD with a GET fallback, bounded in time."""
from __future__ import annotations

import concurrent.futures
import time

from flask import current_app

from app.platform import outbound
from app.errors import AppError, BadGatewayError, GatewayTimeoutError
from app.providers.registry import Provider

UP, DEGRADED, DOWN, UNKNOWN = "up", "degraded", "down", "unknown"
STATUSES = (UP, DEGRADED, DOWN, UNKNOWN)
_pool = concurrent.futures.ThreadPoolExecutor(max_workers=16, thread_name_prefix="provider-check")


def classify(status_code: int | None, latency_ms: float, degraded_ms: float) -> str:
    """5xx or no answer is down; 4xx (reachable, but not serving this URL) or slow is degraded."""
    if status_code is None or status_code >= 500:
        return DOWN
    if status_code >= 400 or latency_ms > degraded_ms:
        return DEGRADED
    return UP


def _probe(url: str, timeout: float, use_proxy: bool) -> int:
    try:
        response = outbound.head(url, timeout=timeout, use_proxy=use_proxy)
        response.close()
        if response.status_code < 400 or (response.status_code >= 500 and response.status_code != 501):
            return response.status_code  # a failing server fails a GET too; don't knock twice
    except GatewayTimeoutError:
        raise  # a GET would wait just as long
    except BadGatewayError:
        pass  # some servers drop HEAD on the floor
    # many embed hosts refuse HEAD (405, 403, 501); what matters is whether a GET is served
    response = outbound.get(url, timeout=timeout, use_proxy=use_proxy, stream=True)
    response.close()
    return response.status_code


def check_one(provider: Provider, timeout: float, use_proxy: bool, degraded_ms: float) -> dict:
    started = time.perf_counter()
    try:
        code = _probe(provider.health_url, timeout, use_proxy)
        error = None if code < 400 else f"health URL answered {code}"
    except AppError as exc:
        code, error = None, f"{exc.code}: {exc.message}"[:300]
    except Exception as exc:  # a check reports, it never raises
        code, error = None, f"{type(exc).__name__}: {exc}"[:300]
    latency = round((time.perf_counter() - started) * 1000, 2)
    return {"providerId": provider.id, "status": classify(code, latency, degraded_ms), "latencyMs": latency,
            "httpStatus": code, "error": error}


def check_all(providers: list[Provider]) -> list[dict]:
    """One result per provider; a provider that overruns its bound is down."""
    app = current_app._get_current_object()
    config = app.config
    timeout, use_proxy = config["PROVIDER_CHECK_TIMEOUT"], config["PROVIDER_CHECK_USE_PROXY"]
    degraded_ms = config["PROVIDER_DEGRADED_MS"]

    def run(provider: Provider) -> dict:
        with app.app_context():
            return check_one(provider, timeout, use_proxy, degraded_ms)

    futures = [(p, _pool.submit(run, p)) for p in providers]
    deadline = time.monotonic() + 2 * timeout + 1  # HEAD then GET, each bounded by the timeout
    results = []
    for provider, future in futures:
        try:
            results.append(future.result(timeout=max(0.0, deadline - time.monotonic())))
        except concurrent.futures.TimeoutError:
            results.append({"providerId": provider.id, "status": DOWN, "latencyMs": timeout * 1000,
                            "httpStatus": None, "error": f"no answer within {timeout:g}s"})
    return results
