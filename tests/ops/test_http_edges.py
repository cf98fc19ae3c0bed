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


# ---- browsers: preflights and the CORS headers of the server's own refusals ---------------------

ALLOWED = "http://localhost:3000"  # in CORS_ORIGIN of the test environment


def test_a_browser_preflight_over_the_real_server_is_an_empty_204(live_server):
    raw = (f"OPTIONS /api/v1/content HTTP/1.1\r\nHost: x\r\nOrigin: {ALLOWED}\r\n"
           "Access-Control-Request-Method: GET\r\nAccess-Control-Request-Headers: authorization\r\n"
           "Accept-Encoding: gzip, deflate, br, zstd\r\nConnection: close\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", live_server.port), timeout=10) as sock:
        sock.sendall(raw)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    names = [line.split(":", 1)[0].lower() for line in lines[1:]]
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
    assert lines[0].startswith("HTTP/1.1 204"), lines
    assert body == b"" and "content-encoding" not in headers and "content-type" not in headers
    assert names.count("allow") == 1 and "GET" in headers["allow"]
    assert headers["access-control-allow-origin"] == ALLOWED
    assert headers["access-control-allow-credentials"] == "true"
    assert "x-ratelimit-remaining" not in headers


def _long_line(name: str) -> str:
    return f"{name}: {'b' * 70_000}\r\n"


EDGE_CASES = {
    "414-long-url": (414, "URI_TOO_LONG", lambda origin: _get("/api/v1/content/search?q=" + "a" * 9000,
                                                               f"Origin: {origin}\r\n")),
    "431-origin-before-a-long-line": (431, "HEADERS_TOO_LARGE",
                                      lambda origin: _get("/api/v1/content", f"Origin: {origin}\r\n" + _long_line("X-Big"))),
    "431-origin-after-a-long-line": (431, "HEADERS_TOO_LARGE",
                                     lambda origin: _get("/api/v1/content", _long_line("X-Big") + f"Origin: {origin}\r\n")),
    "431-too-many-headers": (431, "HEADERS_TOO_LARGE",
                             lambda origin: _get("/api/v1/content", f"Origin: {origin}\r\n"
                                                 + "".join(f"X-H{i}: {i}\r\n" for i in range(120)))),
    "400-negative-length": (400, "VALIDATION_ERROR",
                            lambda origin: _get("/api/v1/content", f"Origin: {origin}\r\nContent-Length: -4\r\n")),
    "400-line-without-colon": (400, "VALIDATION_ERROR",
                               lambda origin: _get("/api/v1/content", f"Origin: {origin}\r\nNoColonHere\r\n")),
}


@pytest.mark.parametrize("case", sorted(EDGE_CASES))
def test_edge_answers_carry_the_cors_headers_of_an_allowed_origin(live_server, case):
    status, code, raw = EDGE_CASES[case]
    reply = _exchange(live_server, raw(ALLOWED))
    _envelope(*reply, status, code)
    headers = reply[1]
    assert headers["access-control-allow-origin"] == ALLOWED, headers
    assert headers["access-control-allow-credentials"] == "true"
    assert "X-Request-ID" in headers["access-control-expose-headers"]


@pytest.mark.parametrize("case", ["414-long-url", "431-too-many-headers", "400-line-without-colon"])
def test_edge_answers_give_no_cors_headers_to_another_origin(live_server, case):
    status, code, raw = EDGE_CASES[case]
    reply = _exchange(live_server, raw("http://evil.example"))
    _envelope(*reply, status, code)
    assert "access-control-allow-origin" not in reply[1]


@pytest.mark.parametrize("line", ["NoColonHere", "X Spaced: 1", " folded: onto the previous line", ": no name"],
                         ids=["no-colon", "space-in-name", "obs-fold", "empty-name"])
def test_a_header_line_that_is_not_name_colon_value_is_a_json_400(live_server, line):
    # gevent's parser took such a line for the end of the headers and dropped every one after it
    raw = _get("/api/v1/auth/me", f"X-Before: 1\r\n{line}\r\nAuthorization: Bearer forged\r\n")
    _envelope(*_exchange(live_server, raw), 400, "VALIDATION_ERROR")


# ---- bodies without a Content-Length ------------------------------------------------------------

@pytest.fixture(scope="module")
def small_body_server(app, test_env):
    from tests.support.processes import ServerProcess

    server = ServerProcess(test_env, extra_env={"MAX_CONTENT_LENGTH": "4096"})
    server.start()
    yield server
    server.stop()


def _chunked_login(body: bytes, chunk: int = 1000) -> bytes:
    chunks = b"".join(f"{len(body[i:i + chunk]):x}\r\n".encode() + body[i:i + chunk] + b"\r\n"
                      for i in range(0, len(body), chunk))
    return (b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunks + b"0\r\n\r\n")


def _login_body(size: int) -> bytes:
    start, end = b'{"email": "a@example.test", "password": "', b'"}'
    return start + b"p" * (size - len(start) - len(end)) + end


def test_a_chunked_body_over_the_limit_is_a_json_413(small_body_server):
    payload = _envelope(*_exchange(small_body_server, _chunked_login(_login_body(4097))), 413, "PAYLOAD_TOO_LARGE")
    assert payload["error"]["details"] == {"maxBytes": 4096}
    # far over the limit too (the server stops reading at the limit)
    _envelope(*_exchange(small_body_server, _chunked_login(_login_body(50_000))), 413, "PAYLOAD_TOO_LARGE")


def test_a_chunked_body_at_the_limit_is_read_whole(small_body_server):
    status, _, body = _exchange(small_body_server, _chunked_login(_login_body(4096)))
    # the password is too long for the schema: the app read the whole body and judged it
    assert status == 422 and json.loads(body)["error"]["details"]["fields"].keys() == {"password"}
