"""Requests the HTTP server refuses before Flask sees them still get the JSON envelope.

These go over raw sockets to the real web process (gunicorn + the gevent WebSocket worker, as
the Procfile runs it), because the test client never exercises the server's own parser.
"""
from __future__ import annotations

import json
import socket

import pytest


def _exchange(server, raw: bytes, timeout: float = 10) -> tuple[int, dict, bytes]:
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as sock:
        sock.sendall(raw)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            chunks.append(chunk)
            data = b"".join(chunks)
            head, sep, body = data.partition(b"\r\n\r\n")
            if sep:
                length = [line.split(b":", 1)[1].strip() for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:")]
                if length and len(body) >= int(length[0]):
                    break
    data = b"".join(chunks)
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
    return status, headers, body


def _envelope(status, headers, body, expected_status, code) -> dict:
    assert status == expected_status, (status, headers, body[:300])
    assert headers["content-type"].startswith("application/json"), headers
    payload = json.loads(body)
    assert payload["success"] is False
    assert payload["error"]["code"] == code, payload
    assert payload["error"]["message"]
    assert payload["error"]["details"] == {} or isinstance(payload["error"]["details"], dict)
    assert payload["requestId"] == headers["x-request-id"]
    return payload


def _get(path: str, extra: str = "") -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}Connection: close\r\n\r\n".encode("latin-1")


def test_a_url_over_8_kb_is_a_json_414(live_server):
    reply = _exchange(live_server, _get("/api/v1/content/search?q=" + "a" * 9000))
    _envelope(*reply, 414, "URI_TOO_LONG")


def test_a_url_just_under_the_limit_reaches_the_app(live_server):
    status, headers, body = _exchange(live_server, _get("/api/v1/content/search?q=" + "a" * 7000))
    assert status == 422 and json.loads(body)["error"]["code"] == "VALIDATION_ERROR"  # q is too long: the app said so


@pytest.mark.parametrize("raw", [
    b"GARBAGE\r\n\r\n",
    b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
    b"POST /api/v1/auth/login\r\n\r\n",
    b"GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: -4\r\n\r\n",
    b"GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: many\r\n\r\n",
], ids=["not-http", "bad-version", "no-version-post", "negative-length", "non-numeric-length"])
def test_a_malformed_request_is_a_json_400(live_server, raw):
    _envelope(*_exchange(live_server, raw), 400, "VALIDATION_ERROR")


def test_a_huge_header_line_is_a_json_431(live_server):
    reply = _exchange(live_server, _get("/api/v1/content", f"X-Big: {'b' * 70_000}\r\n"))
    _envelope(*reply, 431, "HEADERS_TOO_LARGE")


def test_too_many_headers_is_a_json_431(live_server):
    extra = "".join(f"X-H{i}: {i}\r\n" for i in range(120))
    _envelope(*_exchange(live_server, _get("/api/v1/content", extra)), 431, "HEADERS_TOO_LARGE")


def test_a_broken_chunked_body_is_a_json_400(live_server):
    raw = (b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
           b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
    _envelope(*_exchange(live_server, raw), 400, "VALIDATION_ERROR")


@pytest.mark.parametrize("host", ["", "bad host", "[::1", "a" * 300, "127.0.0.1:notaport", "\x7f"])
def test_an_odd_host_header_still_gets_json(live_server, host):
    status, headers, body = _exchange(live_server, f"GET /api/v1/nowhere HTTP/1.1\r\nHost: {host}\r\n"
                                                   f"Connection: close\r\n\r\n".encode("latin-1"))
    assert status in (400, 404), (status, body[:200])
    assert headers["content-type"].startswith("application/json")
    assert json.loads(body)["success"] is False


def test_http_1_0_without_host_gets_json(live_server):
    status, headers, body = _exchange(live_server, b"GET /api/v1/nowhere HTTP/1.0\r\n\r\n")
    _envelope(status, headers, body, 404, "NOT_FOUND")


def test_head_and_options_over_the_real_server(live_server):
    status, headers, body = _exchange(live_server, b"HEAD /api/v1/content HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert status == 200 and headers["content-type"].startswith("application/json") and body == b""
    status, headers, body = _exchange(live_server, b"OPTIONS /api/v1/content HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert status == 204 and "GET" in headers["allow"] and body == b""


def test_an_unknown_method_is_a_json_405(live_server):
    _envelope(*_exchange(live_server, b"BREW /api/v1/content HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
              405, "METHOD_NOT_ALLOWED")


def test_a_double_slash_is_a_json_404_not_an_html_redirect(live_server):
    raw = b"POST /api/v1/proxies//check HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    _envelope(*_exchange(live_server, raw), 404, "NOT_FOUND")
