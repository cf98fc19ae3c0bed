"""The web worker class: gevent-websocket's, with the HTTP server's own refusals in the envelope.

Some requests never reach Flask: a request line over 8 KB, a line that is not HTTP, a header
line over 64 KB, more than 100 headers or a header line that is not ``name: value``, a broken
chunked body. gevent's server answers those itself, with an empty or plain-text body (and
accepted a header line without a colon, silently dropping every header after it); this handler
answers them with the same JSON error envelope (and an ``X-Request-ID``) as every other error,
and with the CORS headers the app would give the request's ``Origin``, so a browser script
reads the code instead of a CORS failure.
"""
from __future__ import annotations

import json
import re
import uuid
from http import HTTPStatus
from io import BytesIO

import gevent
from gevent import pywsgi
from geventwebsocket.gunicorn.workers import GeventWebSocketWorker
from geventwebsocket.handler import WebSocketHandler

_REFUSALS = {
    400: ("VALIDATION_ERROR", "The request is not valid HTTP"),
    414: ("URI_TOO_LONG", f"The request line is longer than {pywsgi.MAX_REQUEST_LINE} bytes"),
    431: ("HEADERS_TOO_LARGE", "A header line is longer than 65536 bytes or there are more than 100 headers"),
    500: ("INTERNAL_ERROR", "An unexpected error occurred"),
}

MAX_HEADER_LINE = 65536  # http.client's limits, which gevent's parser applies
MAX_HEADERS = 100
# a header line is a token, a colon, then the value (RFC 9110 5.1, 9112 5); a line folded onto
# the previous one (obs-fold) is refused as RFC 9112 5.2 allows
_HEADER_LINE = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+:[^\r\n]*\r?\n")
# after a refusal, the rest of the request head is read (bounded) to find the Origin and so that
# closing the socket with unread bytes does not reset the connection before the client reads us
_DRAIN_BYTES, _DRAIN_LINES, _DRAIN_SECONDS = 1 << 20, 200, 1.0


def _refusal(status: int, extra: list[tuple[str, str]] = ()) -> tuple[str, list[tuple[str, str]], bytes]:
    # imported here: the master process loads this module before the worker patches the stdlib
    from app.errors import error_body

    code, message = _REFUSALS[status]
    request_id = uuid.uuid4().hex
    body = json.dumps(error_body(code, message, request_id_=request_id), separators=(",", ":")).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body))), ("Connection", "close"),
               ("X-Request-ID", request_id), ("X-Content-Type-Options", "nosniff"), *extra]
    return f"{status} {HTTPStatus(status).phrase}", headers, body


def refusal_bytes(status: int, extra: list[tuple[str, str]] = ()) -> bytes:
    """A whole HTTP/1.1 response, for answers written before a WSGI exchange exists."""
    status_line, headers, body = _refusal(status, extra)
    head = "".join(f"{name}: {value}\r\n" for name, value in headers)
    return f"HTTP/1.1 {status_line}\r\n{head}\r\n".encode("latin-1") + body


def _headers_too_large(exc: Exception) -> bool:
    text = str(exc)
    return "Line too long" in text or "more than 100 headers" in text


def _origin_in(lines) -> str | None:
    for line in lines:
        name, colon, value = line.partition(b":")
        if colon and name.strip().lower() == b"origin":
            return value.strip().decode("latin-1")
    return None


class _Head:
    """The header lines of one request, read with the parser's limits and kept, so that after a
    refusal we still know what was read (and whether the head was read to its end)."""

    def __init__(self) -> None:
        self.lines: list[bytes] = []
        self.complete = False
        self.mid_line = False  # stopped inside a line (one too long): its rest is not a header

    def read(self, rfile) -> str:
        """Read the header lines up to the blank line; '' when they are valid, else the problem."""
        while True:
            line = rfile.readline(MAX_HEADER_LINE + 1)
            if len(line) > MAX_HEADER_LINE:
                self.mid_line = not line.endswith(b"\n")
                return "Line too long"
            if line in (b"\r\n", b"\n", b""):
                self.complete = True
                return ""
            self.lines.append(line)
            if len(self.lines) > MAX_HEADERS:
                return f"got more than {MAX_HEADERS} headers"
            if not _HEADER_LINE.fullmatch(line):
                return "Invalid header line"

    def drain(self, rfile) -> None:
        """After a refusal: read what is left of the head (bounded in size, lines and time)."""
        if self.complete:
            return
        budget, count, at_line_start = _DRAIN_BYTES, 0, not self.mid_line
        with gevent.Timeout(_DRAIN_SECONDS, False):
            while budget > 0 and count < _DRAIN_LINES:
                line = rfile.readline(min(MAX_HEADER_LINE + 1, budget))
                budget, count = budget - len(line), count + 1
                if not line or (at_line_start and line in (b"\r\n", b"\n")):
                    break
                if at_line_start:
                    self.lines.append(line[:512])  # enough to read an Origin
                at_line_start = line.endswith(b"\n")
        self.complete = True


class EnvelopeHandler(WebSocketHandler):
    _head: _Head | None = None

    def handle_one_request(self):
        self._head = _Head()
        result = super().handle_one_request()
        if isinstance(result, tuple) and result[0] == "414":
            self._head.mid_line = not self.requestline.endswith("\n")
            self._head.drain(self.rfile)
            return "414", refusal_bytes(414, self._cors_headers())
        return result

    def MessageClass(self, fp, *args):  # noqa: N802 (gevent's name)
        head = self._head if self._head is not None else _Head()
        problem = head.read(fp)
        message = pywsgi.headers_factory(BytesIO(b"".join(head.lines) + b"\r\n")) if not problem \
            else pywsgi.headers_factory(BytesIO(b"\r\n"))
        message.status = problem
        return message

    def _cors_headers(self) -> list[tuple[str, str]]:
        from app.core.origins import refusal_cors_headers

        origin = _origin_in(self._head.lines) if self._head is not None else None
        method = (getattr(self, "requestline", None) or "GET").split(" ", 1)[0].upper()  # this request's
        try:
            return refusal_cors_headers(getattr(self.server, "application", None), origin, method)
        except Exception:  # a refusal is answered even when the CORS rule cannot be read
            return []

    def _handle_client_error(self, ex):
        self.log_error("Invalid request (from %s): %s", self.client_address, str(ex) or type(ex).__name__)
        status = 431 if _headers_too_large(ex) else 400
        if self._head is not None:
            self._head.drain(self.rfile)
        return str(status), refusal_bytes(status, self._cors_headers())

    def _send_error_response_if_possible(self, error_code):
        if self.response_length or error_code not in _REFUSALS:
            return super()._send_error_response_if_possible(error_code)
        status, headers, body = _refusal(error_code, self._cors_headers())
        try:
            self.start_response(status, headers)
            self.write(body)
        except OSError:
            self.close_connection = True


class EnvelopeWebSocketWorker(GeventWebSocketWorker):
    wsgi_handler = EnvelopeHandler
