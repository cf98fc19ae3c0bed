"""Stand-ins for the internet on 127.0.0.1: an HTTP server for provider health URLs and probe
URLs, and forward proxies that work, refuse, stall past any timeout, or answer garbage."""
from __future__ import annotations

import select
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from config.redis_server import free_port


class _Handler(BaseHTTPRequestHandler):
    """``/ok`` 200, ``/fail`` 500, ``/missing`` 404, ``/slow?s=2`` 200 late, ``/nohead`` 405 on HEAD."""

    def log_message(self, *args):  # keep test output quiet
        pass

    def _answer(self, with_body: bool) -> None:
        self.server.hits.append((self.command, self.path))
        parts = urlsplit(self.path)
        path = parts.path
        if path == "/slow":
            time.sleep(float(parse_qs(parts.query).get("s", ["2"])[0]))
        status = {"/fail": 500, "/missing": 404}.get(path, 200)
        if path == "/nohead" and self.command == "HEAD":
            status = 405
        body = b'{"ok": true}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def do_GET(self):
        self._answer(True)

    def do_HEAD(self):
        self._answer(False)


class HttpServer:
    def __init__(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.hits = []
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str = "/ok") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def hits(self) -> list:
        return self.server.hits

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _read_head(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
        if len(data) > 65536:
            break
    return data


def _pipe(a: socket.socket, b: socket.socket, deadline: float) -> None:
    sockets = [a, b]
    while time.monotonic() < deadline:
        readable, _, _ = select.select(sockets, [], [], 0.5)
        for sock in readable:
            data = sock.recv(65536)
            if not data:
                return
            (b if sock is a else a).sendall(data)


class ForwardProxy:
    """A forward proxy on 127.0.0.1 in one of four modes: working, refusing, stalling, garbage."""

    MODES = ("working", "refusing", "stalling", "garbage")
    ALL_MODES = (*MODES, "socks5")  # socks5: a working SOCKS5 proxy (no authentication)

    def __init__(self, mode: str = "working", hosts: dict[str, int] | None = None, port: int = 0) -> None:
        """``hosts`` maps names to local ports, like a hosts file on the proxy's machine (the test
        settings probe ``probe.marquee.test``, which must never resolve on the internet)."""
        assert mode in self.ALL_MODES
        self.mode = mode
        self.hosts = hosts or {}
        self.hits = 0
        self._held: list[socket.socket] = []
        self._stopped = threading.Event()
        if mode == "refusing":
            self.port = free_port()  # nothing listens there: connections are refused
            self._sock = None
            return
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", port))
        self._sock.listen(256)
        self.port = self._sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"{'socks5' if self.mode == 'socks5' else 'http'}://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self.hits += 1
            if self.mode == "stalling":
                self._held.append(conn)  # accept, then say nothing, ever
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(10)
            if self.mode == "socks5":
                self._serve_socks5(conn)
                return
            head = _read_head(conn)
            if self.mode == "garbage":
                conn.sendall(b"\x00\xff\xfeTHIS IS NOT HTTP\r\n\r\n")
                return
            request_line, _, rest = head.partition(b"\r\n")
            method, target, _ = request_line.decode("latin-1").split(" ", 2)
            if method == "CONNECT":
                host, _, port = target.rpartition(":")
                upstream = socket.create_connection(self._resolve(host, int(port)), timeout=10)
                conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                _pipe(conn, upstream, time.monotonic() + 30)
                upstream.close()
                return
            parts = urlsplit(target)
            upstream = socket.create_connection(self._resolve(parts.hostname, parts.port or 80), timeout=10)
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            headers = [line for line in rest.split(b"\r\n") if line and not line.lower().startswith(
                (b"connection:", b"proxy-connection:", b"keep-alive:"))]
            upstream.sendall(f"{method} {path} HTTP/1.1\r\n".encode() + b"\r\n".join(headers)
                             + b"\r\nConnection: close\r\n\r\n")
            _pipe(conn, upstream, time.monotonic() + 30)
            upstream.close()
        except (OSError, ValueError):
            pass
        finally:
            conn.close()

    def _serve_socks5(self, conn: socket.socket) -> None:
        greeting = conn.recv(2)
        conn.recv(greeting[1])  # the offered methods; we take "no authentication"
        conn.sendall(b"\x05\x00")
        version, command, _, kind = conn.recv(4)
        if kind == 1:
            host = socket.inet_ntoa(conn.recv(4))
        elif kind == 3:
            host = conn.recv(conn.recv(1)[0]).decode()
        else:
            conn.sendall(b"\x05\x08\x00\x01" + bytes(6))
            return
        port = int.from_bytes(conn.recv(2), "big")
        try:
            upstream = socket.create_connection(self._resolve(host, port), timeout=10)
        except OSError:
            conn.sendall(b"\x05\x05\x00\x01" + bytes(6))
            return
        conn.sendall(b"\x05\x00\x00\x01" + bytes(6))
        _pipe(conn, upstream, time.monotonic() + 30)
        upstream.close()

    def _resolve(self, host: str, port: int) -> tuple[str, int]:
        if host in self.hosts:
            return "127.0.0.1", self.hosts[host]
        if host not in ("127.0.0.1", "localhost"):
            raise OSError(f"test proxy refuses to reach {host}")  # never the internet
        return host, port

    def stop(self) -> None:
        """Die: stop listening and drop every connection (a proxy going away mid-run)."""
        self._stopped.set()
        if self._sock is not None:
            try:
                self._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._sock.close()
        for conn in self._held:
            conn.close()
