"""Which browser origins may open a Socket.IO connection.

A list of origins alone would refuse pages served by this very app (the watch-together demo,
Swagger), because engine.io only adds the same origin when no list is given; so we allow the
configured front ends plus the origin the request was addressed to.
"""
from __future__ import annotations

from typing import Callable


def socket_origin_check(configured: list[str] | str | None) -> Callable | str:
    if configured == "*" or (isinstance(configured, list) and "*" in configured):
        return "*"
    allowed = {configured} if isinstance(configured, str) else set(configured or [])

    def allowed_origin(origin: str | None, environ: dict | None = None) -> bool:
        if origin is None or origin in allowed:
            return True
        if environ and environ.get("HTTP_HOST"):
            return origin == f"{environ.get('wsgi.url_scheme', 'http')}://{environ['HTTP_HOST']}"
        return False

    return allowed_origin
