"""A local stand-in for the part of the Firebase Auth emulator that firebase-admin talks to.

In emulator mode (``FIREBASE_AUTH_EMULATOR_HOST``) firebase-admin verifies ID tokens without a
signature and, for ``check_revoked=True``, looks the account up with
``POST /identitytoolkit.googleapis.com/v1/projects/<project>/accounts:lookup {"localId": [uid]}``
(``Authorization: Bearer owner``). This server answers that call from an in-memory account
table, and can be told to stall or to fail so the caller's deadline is exercised.

``Tripwire`` is an HTTP proxy that answers nothing: pointing ``HTTPS_PROXY`` at it proves no
request leaves for Google, and gives the "Google unreachable" case a local, stalling peer.
"""
from __future__ import annotations

import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOOKUP_SUFFIX = "/accounts:lookup"
PREFIX = "/identitytoolkit.googleapis.com/v1/projects/"


def _b64(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def mint_id_token(project_id: str, uid: str, *, email: str | None = None, name: str | None = None,
                  iat: float | None = None, exp: float | None = None, alg: str = "none", kid: str | None = None,
                  omit: tuple[str, ...] = (), **extra) -> str:
    """An ID token shaped like the emulator's: unsigned (``alg: none``), Firebase claims."""
    now = int(time.time())
    iat = int(iat if iat is not None else now)
    claims = {
        "iss": f"https://securetoken.google.com/{project_id}", "aud": project_id, "sub": uid, "user_id": uid,
        "iat": iat, "auth_time": iat, "exp": int(exp if exp is not None else iat + 3600),
        "firebase": {"identities": {}, "sign_in_provider": "password"},
    }
    if email:
        claims["email"] = email
        claims["email_verified"] = True
    if name:
        claims["name"] = name
    claims.update(extra)
    for name in omit:
        claims.pop(name, None)
    header = {"alg": alg, "typ": "JWT"}
    if kid:
        header["kid"] = kid
    signature = "c2lnbmF0dXJl" if alg != "none" else ""
    return f"{_b64(header)}.{_b64(claims)}.{signature}"


class _LocalServer:
    """A threaded HTTP server on a free loopback port; ``stop`` also releases held requests."""

    def _listen(self, handler) -> None:
        self._release = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def start(self):
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()


class AuthEmulator(_LocalServer):
    """Accounts lookup for firebase-admin, with ``mode`` = ``ok`` | ``stall`` | ``fail``."""

    def __init__(self) -> None:
        self.accounts: dict[str, dict] = {}
        self.requests: list[dict] = []
        self.mode = "ok"
        self._listen(self._handler())

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def reset(self) -> None:
        self.accounts.clear()
        self.requests.clear()
        self.mode = "ok"

    def add_account(self, uid: str, email: str | None = None, *, valid_since: float | None = None,
                    disabled: bool = False) -> None:
        now = int(time.time())
        self.accounts[uid] = {
            "localId": uid, "email": email, "emailVerified": True, "disabled": disabled,
            # seconds, as a string: tokens issued before this instant count as revoked
            "validSince": str(int(valid_since if valid_since is not None else now - 3600)),
            "createdAt": str((now - 3600) * 1000), "lastLoginAt": str(now * 1000),
        }

    def revoke(self, uid: str) -> None:
        self.accounts[uid]["validSince"] = str(int(time.time()) + 1)

    def _lookup(self, body: dict) -> tuple[int, dict]:
        users = [self.accounts[uid] for uid in body.get("localId", []) if uid in self.accounts]
        answer = {"kind": "identitytoolkit#GetAccountInfoResponse"}
        if users:  # the emulator omits "users" entirely when nothing matched
            answer["users"] = users
        return 200, answer

    def _handler(self):
        emulator = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def _send(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b"{}"
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = None
                emulator.requests.append({"path": self.path, "body": body,
                                          "authorization": self.headers.get("Authorization")})
                if emulator.mode == "stall":
                    emulator._release.wait(30)
                    return
                if emulator.mode == "fail":
                    self._send(503, {"error": {"code": 503, "message": "UNAVAILABLE", "status": "UNAVAILABLE"}})
                    return
                if not (self.path.startswith(PREFIX) and self.path.endswith(LOOKUP_SUFFIX)) \
                        or not isinstance(body, dict):
                    self._send(404, {"error": {"code": 404, "message": "NOT_FOUND"}})
                    return
                if self.headers.get("Authorization") != "Bearer owner":
                    self._send(401, {"error": {"code": 401, "message": "UNAUTHENTICATED"}})
                    return
                self._send(*emulator._lookup(body))

        return Handler


class Tripwire(_LocalServer):
    """A proxy that records every request (CONNECT for HTTPS) and then holds it open, unanswered."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        tripwire = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _hold(self) -> None:
                tripwire.hits.append(f"{self.command} {self.path}")
                tripwire._release.wait(30)

            do_CONNECT = do_GET = do_POST = _hold

        self._listen(Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"
