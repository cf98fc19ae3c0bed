"""Per-request plumbing: request ids, one log line per request, security headers, body checks."""
from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, current_app, g, request

from app.core import strict_json
from app.errors import AppError, PayloadTooLargeError, ValidationError

log = logging.getLogger("marquee.request")
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_BODY_METHODS = {"POST", "PUT", "PATCH"}


class UnsupportedMediaTypeError(AppError):
    code, status, message = "UNSUPPORTED_MEDIA_TYPE", 415, "The request body must be JSON (Content-Type: application/json)"


def _assign_request_id() -> None:
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _SAFE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def streamed_body(limit_setting: str, mimetypes: tuple[str, ...] = ("multipart/form-data",)):
    """Mark a view that reads a large body itself (a video upload): its limit is the setting
    ``limit_setting`` instead of ``MAX_CONTENT_LENGTH``, its body may be one of ``mimetypes``, and
    the body checks below leave it unread for the view to stream."""

    def decorator(view):
        view.streamed_body = (limit_setting, tuple(mimetypes))
        return view

    return decorator


def _streamed_body() -> tuple[str, tuple[str, ...]] | None:
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    # a MethodView's class attribute names the marked method's view: look at the method itself
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        view = getattr(view_class, request.method.lower(), None)
    return getattr(view, "streamed_body", None)


def _apply_streamed_body_limit() -> None:
    marked = _streamed_body()
    if marked is not None:
        request.max_content_length = current_app.config[marked[0]]
        g.streamed_body = marked


def _require_json_bodies() -> None:
    """A body sent to the JSON API must say it is JSON; anything else is a 415, not a guess."""
    if request.method not in _BODY_METHODS or not request.path.startswith("/api/"):
        return
    if request.content_length in (None, 0) and not request.headers.get("Transfer-Encoding"):
        return
    streamed = g.get("streamed_body")
    if streamed is not None:
        if request.mimetype in streamed[1]:
            return
        raise UnsupportedMediaTypeError(f"The request body must be {' or '.join(streamed[1])}",
                                        details={"contentType": request.mimetype or None})
    if request.mimetype in ("application/json", "multipart/form-data", "application/octet-stream") \
            or request.mimetype.endswith("+json"):
        return
    raise UnsupportedMediaTypeError(details={"contentType": request.mimetype or None})


def _refuse_streams_past_the_limit() -> None:
    """A body without a Content-Length (chunked) is cut at MAX_CONTENT_LENGTH by Werkzeug without a
    word, so a JSON body one byte too long read as broken JSON (400). Read it here, at most the
    limit, and if the client sent more, answer 413 as for a Content-Length over the limit."""
    if request.content_length is not None or not request.headers.get("Transfer-Encoding"):
        return
    if g.get("streamed_body") is not None:
        return  # the view streams it and Werkzeug stops it at the route's own limit
    limit = request.max_content_length
    if limit is None or "wsgi.input_terminated" not in request.environ:
        return  # without a terminated input Werkzeug reads no body at all
    if len(request.get_data(cache=True)) >= limit and request.environ["wsgi.input"].read(1):
        raise PayloadTooLargeError(details={"maxBytes": limit})


def _is_json(mimetype: str) -> bool:
    return mimetype == "application/json" or mimetype.endswith("+json")


def _check_json_body() -> None:
    """Every JSON body, on every route, is parsed strictly once before any view or schema sees it.

    webargs then reads the same cached bytes; what it gets can no longer make it recurse too deep
    or hand a lone surrogate to the database. The answer is a 400 like any body that is not JSON.
    """
    if not _is_json(request.mimetype):
        return
    if request.content_length in (None, 0) and not request.headers.get("Transfer-Encoding"):
        return
    data = request.get_data(cache=True)
    if not data:
        return
    try:
        strict_json.loads(data)
    except strict_json.InvalidJson as exc:
        field = exc.field() or "body"
        details = {"fields": {field: [exc.message]}, "reason": exc.reason}
        if exc.reason == "depth":
            details = {"fields": {"body": [exc.message]}, "reason": exc.reason, "maxDepth": strict_json.MAX_DEPTH}
        raise ValidationError(exc.message if exc.reason != "surrogate" else f"{field}: {exc.message}",
                              details=details, status=400) from None


def _retry_after_only_on_429(headers, status: int) -> None:
    limiter_value = headers.pop(current_app.config.get("RATELIMIT_HEADER_RETRY_AFTER", "Retry-After"), None)
    if status == 429 and limiter_value is not None and "Retry-After" not in headers:
        headers["Retry-After"] = limiter_value


def _finish(response):
    response.headers["X-Request-ID"] = g.get("request_id", "")
    headers = response.headers
    _retry_after_only_on_429(headers, response.status_code)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    headers.setdefault("Content-Security-Policy", f"frame-ancestors {current_app.config['FRAME_ANCESTORS']}")
    if current_app.config.get("HSTS_ENABLED"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    _log_request(response)
    return response


def _log_request(response) -> None:
    started = g.get("request_started")
    latency_ms = round((time.perf_counter() - started) * 1000, 2) if started else None
    identity = g.get("identity")
    user = None
    if identity is not None:
        user = identity.user_id if identity.user_id is not None else identity.role
    log.info(
        "%s %s %s %.2fms", request.method, request.path, response.status_code, latency_ms or 0,
        extra={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "latencyMs": latency_ms,
            "userId": user,
            "remoteAddr": request.remote_addr,
        },
    )


def _no_content_for_options(response):
    # Werkzeug's automatic OPTIONS answer is an empty 200 labelled text/html; an empty answer
    # is a 204, which no client tries to parse (CORS preflights accept it alike).
    if request.method == "OPTIONS" and response.status_code == 200 and not response.direct_passthrough \
            and not response.get_data():
        response.status_code = 204
        response.headers.pop("Content-Type", None)
        response.headers.pop("Content-Length", None)
    return response


def init_request_context(app: Flask) -> None:
    app.before_request(_assign_request_id)
    app.after_request(_finish)


def init_options_answers(app: Flask) -> None:
    """Registered after compression and the limiter: Flask runs after-request hooks last
    registered first, so the empty OPTIONS answer becomes a 204 before anything compresses it
    (a gzip of nothing is 20 bytes, and a body nobody asked for)."""
    app.after_request(_no_content_for_options)


def init_body_checks(app: Flask) -> None:
    """Registered after the limiter, so a refused body is counted and answered with its headers."""
    app.before_request(_apply_streamed_body_limit)
    app.before_request(_require_json_bodies)
    app.before_request(_refuse_streams_past_the_limit)
    app.before_request(_check_json_body)
