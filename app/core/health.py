"""Dependency probes for /health: each bounded by a deadline, run concurrently."""
from __future__ import annotations

import concurrent.futures
import os
import tempfile
import time
from dataclasses import dataclass
from typing import Callable


@dataclass
class CheckResult:
    name: str
    status: str  # "ok" | "down"
    latency_ms: float
    error: str | None = None
    info: dict | None = None

    def as_dict(self) -> dict:
        body = {"status": self.status, "latencyMs": round(self.latency_ms, 2)}
        if self.error:
            body["error"] = self.error
        if self.info:
            body.update(self.info)
        return body


_pool = concurrent.futures.ThreadPoolExecutor(max_workers=8, thread_name_prefix="health")


def run_checks(checks: dict[str, Callable[[], dict | None]], timeout: float) -> dict[str, CheckResult]:
    """Run each check in parallel; a check that raises or overruns ``timeout`` is down."""
    started = time.perf_counter()
    futures = {name: _pool.submit(_timed, name, fn) for name, fn in checks.items()}
    results: dict[str, CheckResult] = {}
    for name, future in futures.items():
        remaining = max(0.0, timeout - (time.perf_counter() - started))
        try:
            results[name] = future.result(timeout=remaining + 0.05)
        except concurrent.futures.TimeoutError:
            results[name] = CheckResult(name, "down", timeout * 1000, f"no answer within {timeout:g}s")
    return results


def _timed(name: str, fn: Callable[[], dict | None]) -> CheckResult:
    started = time.perf_counter()
    try:
        info = fn()
        return CheckResult(name, "ok", (time.perf_counter() - started) * 1000, info=info or None)
    except Exception as exc:  # a probe reports failure, it never raises
        return CheckResult(name, "down", (time.perf_counter() - started) * 1000, f"{type(exc).__name__}: {exc}"[:300])


# app.extensions key of the storage check a domain provides (media: its configured store)
STORAGE_CHECK = "health.storage"


def check_storage_dir(path: str) -> dict:
    os.makedirs(path, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path, prefix=".health-", delete=True) as handle:
        handle.write(b"ok")
        handle.flush()
    return {"path": path}
