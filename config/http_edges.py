"""The web worker class: gevent-websocket's, with the HTTP server's own refusals in the envelope.

Some requests never reach Flask: a request line over 8 KB, a line that is not HTTP, a header
line over 64 KB or more than 100 headers, a broken chunked body. gevent's server answers those
itself, with an empty or plain-text body; this handler answers them with the same JSON error
envelope (and an ``X-Request-ID``) as every other error, so a client has one format to read.
"""
from __future__ import annotations

import json
import uuid
from http import HTTPStatus

from gevent import pywsgi
from geventwebsocket.gunicorn.workers import GeventWebSocketWorker
from geventwebsocket.handler import WebSocketHandler

_REFUSALS = {
    400: ("VALIDATION_ERROR", "The request is not valid HTTP"),
    414: ("URI_TOO_LONG", f"The request line is longer than {pywsgi.MAX_REQUEST_LINE} bytes"),
    431: ("HEADERS_TOO_LARGE", "A header line is longer than 65536 bytes or there are more than 100 headers"),
    500: ("INTERNAL_ERROR", "An unexpected error occurred"),
}


def _refusal(status: int) -> tuple[str, list[tuple[str, str]], bytes]:
    # imported here: the master process loads this module before the worker patches the stdlib
    from app.errors import error_body

    code, message = _REFUSALS[status]
    request_id = uuid.uuid4().hex
    body = json.dumps(error_body(code, message, request_id_=request_id), separators=(",", ":")).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body))), ("Connection", "close"),
               ("X-Request-ID", request_id), ("X-Content-Type-Options", "nosniff")]
    return f"{status} {HTTPStatus(status).phrase}", headers, body


def refusal_bytes(status: int) -> bytes:
    """A whole HTTP/1.1 response, for answers written before a WSGI exchange exists."""
    status_line, headers, body = _refusal(status)
    head = "".join(f"{name}: {value}\r\n" for name, value in headers)
    return f"HTTP/1.1 {status_line}\r\n{head}\r\n".encode("latin-1") + body


def _headers_too_large(exc: Exception) -> bool:
    text = str(exc)
    return "Line too long" in text or "more than 100 headers" in text


class EnvelopeHandler(WebSocketHandler):
    def handle_one_request(self):
        result = super().handle_one_request()
        if isinstance(result, tuple) and result[0] == "414":
            return "414", refusal_bytes(414)
        return result

    def _handle_client_error(self, ex):
        self.log_error("Invalid request (from %s): %s", self.client_address, str(ex) or type(ex).__name__)
        status = 431 if _headers_too_large(ex) else 400
        return str(status), refusal_bytes(status)

    def _send_error_response_if_possible(self, error_code):
        if self.response_length or error_code not in _REFUSALS:
            return super()._send_error_response_if_possible(error_code)
        status, headers, body = _refusal(error_code)
        try:
            self.start_response(status, headers)
            self.write(body)
        except OSError:
            self.close_connection = True


class EnvelopeWebSocketWorker(GeventWebSocketWorker):
    wsgi_handler = EnvelopeHandler
