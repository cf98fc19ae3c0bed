"""Typed errors raised by services, and the handlers that render the one error envelope.

Services raise ``AppError`` subclasses; nothing else calls ``abort``. Every error response,
whether raised by us, by Werkzeug (404, 405, 413...), by webargs (422) or by the limiter
(429), leaves through ``error_response`` so the envelope never varies.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from flask import Flask, current_app, g, has_app_context, jsonify, request
from werkzeug.exceptions import HTTPException

from app.core.schemas import camelize

log = logging.getLogger(__name__)


class AppError(Exception):
    """Base of every error a service may raise; carries the envelope's code and HTTP status."""

    code = "INTERNAL_ERROR"
    status = 500
    message = "An unexpected error occurred"

    def __init__(self, message: str | None = None, *, details: Any = None, code: str | None = None,
                 status: int | None = None, headers: dict | None = None) -> None:
        self.message = message or self.message
        self.details = details
        if code:
            self.code = code
        if status:
            self.status = status
        self.headers = headers or {}
        super().__init__(self.message)

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "details": self.details}


class ValidationError(AppError):
    code, status, message = "VALIDATION_ERROR", 422, "The request is not valid"

    def __init__(self, message: str | None = None, *, field: str | None = None, details: Any = None, **kw) -> None:
        if field:
            field = wire_name(field)
        if field and details is None:
            details = {"fields": {field: [message or self.message]}}
        super().__init__(message, details=details, **kw)


class AuthenticationError(AppError):
    code, status, message = "AUTHENTICATION_ERROR", 401, "Authentication is required"


class AuthorizationError(AppError):
    code, status, message = "AUTHORIZATION_ERROR", 403, "You are not allowed to do this"


class NotFoundError(AppError):
    code, status, message = "NOT_FOUND", 404, "The resource was not found"


class ConflictError(AppError):
    code, status, message = "CONFLICT", 409, "The resource conflicts with an existing one"


class PayloadTooLargeError(AppError):
    code, status, message = "PAYLOAD_TOO_LARGE", 413, "The request body is too large"


class RateLimitError(AppError):
    code, status, message = "RATE_LIMIT_ERROR", 429, "Too many requests"


class ServiceUnavailableError(AppError):
    code, status, message = "SERVICE_UNAVAILABLE", 503, "A dependency is unavailable"


class BadGatewayError(AppError):
    code, status, message = "BAD_GATEWAY", 502, "An upstream service answered badly"


class GatewayTimeoutError(AppError):
    code, status, message = "GATEWAY_TIMEOUT", 504, "An upstream service did not answer in time"


# Werkzeug status -> envelope code, for errors we did not raise ourselves.
_STATUS_CODES = {
    400: "VALIDATION_ERROR",
    401: "AUTHENTICATION_ERROR",
    403: "AUTHORIZATION_ERROR",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "VALIDATION_ERROR",
    429: "RATE_LIMIT_ERROR",
    502: "BAD_GATEWAY",
    503: "SERVICE_UNAVAILABLE",
    504: "GATEWAY_TIMEOUT",
}


def wire_name(name: str) -> str:
    """A field's name as clients see it: camelCase per dotted part (``room_id`` -> ``roomId``)."""
    return ".".join(camelize(part) if not part.startswith("_") else part for part in name.split("."))


def request_id() -> str | None:
    # also called where there is no app context (the HTTP server's own error answers)
    return getattr(g, "request_id", None) if has_app_context() else None


def error_body(code: str, message: str, details: Any = None, *, request_id_: str | None = None) -> dict:
    """The error envelope. ``details`` is always an object, so ``error.details.x`` never throws."""
    if details is None:
        details = {}
    elif not isinstance(details, dict):
        details = {"info": details}
    return {
        "success": False,
        "error": {"code": code, "message": message, "details": details},
        "timestamp": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"),
        "requestId": request_id_ or request_id(),
    }


def error_response(code: str, message: str, status: int, details: Any = None, headers: dict | None = None):
    response = jsonify(error_body(code, message, details))
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _flatten_webargs(messages: dict) -> dict:
    """webargs nests messages by location ({"json": {"email": [...]}}); the envelope names fields."""
    fields: dict[str, Any] = {}
    for location, errors in messages.items():
        if isinstance(errors, dict):
            for name, problem in errors.items():
                fields[name] = problem
        else:
            fields[location] = errors
    return fields


def handle_http_exception(exc: HTTPException):
    status = exc.code or 500
    code = _STATUS_CODES.get(status, "INTERNAL_ERROR" if status >= 500 else "VALIDATION_ERROR")
    details = None
    message = exc.description or exc.name
    data = getattr(exc, "data", None) or {}
    if status in (400, 422) and data.get("messages"):
        details = {"fields": _flatten_webargs(data["messages"])}
        message = "The request is not valid: " + ", ".join(sorted(details["fields"]))
    elif status == 404:
        message = "The requested URL was not found"
    elif status == 405:
        message = f"Method {request.method} is not allowed here"
        details = {"allowed": sorted(exc.valid_methods or [])} if getattr(exc, "valid_methods", None) else None
    elif status == 413:
        code, message = "PAYLOAD_TOO_LARGE", "The request body is too large"
    headers = {}
    if status == 405 and getattr(exc, "valid_methods", None):
        headers["Allow"] = ", ".join(exc.valid_methods)
    if status == 429:
        message = "Too many requests: " + str(exc.description or "rate limit exceeded")
    return error_response(code, message, status, details, headers)


def handle_app_error(exc: AppError):
    if exc.status >= 500:
        log.warning("service error %s: %s", exc.code, exc.message)
    return error_response(exc.code, exc.message, exc.status, exc.details, exc.headers)


def handle_unexpected(exc: Exception):
    if isinstance(exc, HTTPException):
        return handle_http_exception(exc)
    log.exception("unhandled error")
    return error_response("INTERNAL_ERROR", "An unexpected error occurred", 500)


def handle_integrity_error(exc):
    # the session of Flask-SQLAlchemy, found through the app: errors are a building block of the
    # extensions and never import them
    current_app.extensions["sqlalchemy"].session.rollback()
    log.info("integrity error turned into 409: %s", exc.orig)
    return error_response("CONFLICT", "The resource conflicts with an existing one", 409)


def register_error_handlers(app: Flask) -> None:
    from sqlalchemy.exc import IntegrityError

    app.register_error_handler(IntegrityError, handle_integrity_error)
    app.register_error_handler(AppError, handle_app_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
