"""Which browser origins may call the API (CORS) and open a Socket.IO connection.

CORS: one set of flask-cors options (``cors_options``), used by the app and by the web server's
own refusals (``refusal_cors_headers``, config/http_edges.py), so a 414 or a 431 carries the same
``Access-Control-Allow-Origin`` a 404 would, and a browser reads its code instead of a CORS error.

Sockets: a list of origins alone would refuse pages served by this very app (the watch-together
demo, Swagger), because engine.io only adds the same origin when no list is given; so we allow
the configured front ends plus the origin the request was addressed to.
"""
from __future__ import annotations

from typing import Callable

from flask_cors.core import get_cors_headers, get_cors_options
from werkzeug.datastructures import Headers

EXPOSED_HEADERS = ["X-Request-ID", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
                   "Retry-After", "Server-Timing",
                   # tus uploads (tus-js-client and Uppy read these from another origin)
                   "Location", "Upload-Offset", "Upload-Length", "Upload-Metadata", "Upload-Expires",
                   "Tus-Resumable", "Tus-Version", "Tus-Extension", "Tus-Max-Size", "Tus-Checksum-Algorithm"]


def cors_options(config) -> dict:
    """flask-cors' options for this app: the configured origins (``CORS_ORIGIN``), credentials, and
    the headers a browser script may read."""
    return {"origins": config["CORS_ORIGINS"], "supports_credentials": True, "expose_headers": EXPOSED_HEADERS}


def refusal_cors_headers(app, origin: str | None, method: str = "GET") -> list[tuple[str, str]]:
    """The CORS headers flask-cors would add to an answer for ``origin``, for answers written
    outside Flask; none for an origin that is not allowed (or no origin)."""
    if not origin or app is None or not hasattr(app, "config"):
        return []
    options = get_cors_options(app, cors_options(app.config))
    return [(name, str(value)) for name, value in
            get_cors_headers(options, Headers({"Origin": origin}), method).items(multi=True)]


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
