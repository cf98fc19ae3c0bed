"""``Server-Timing`` (W3C): the phases of a request the server measured, for browsers' developer
tools and benchmarks. A service records a phase with ``record``; the header goes out with the
answer. Durations only, never names of hosts or data."""
from __future__ import annotations

import re

from flask import Flask, g, has_request_context

_TOKEN = re.compile(r"[A-Za-z0-9_-]+")


def record(name: str, seconds: float) -> None:
    """Add a phase of ``seconds`` to this request's ``Server-Timing`` (outside a request: nothing)."""
    if not has_request_context() or not _TOKEN.fullmatch(name):
        return
    phases = g.setdefault("server_timing", [])
    phases.append(f"{name};dur={max(0.0, seconds) * 1000:.1f}")


def _write(response):
    phases = g.get("server_timing")
    if phases:
        response.headers["Server-Timing"] = ", ".join(phases)
    return response


def init_server_timing(app: Flask) -> None:
    app.after_request(_write)
