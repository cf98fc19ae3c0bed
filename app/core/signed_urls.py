"""Signed, expiring URLs for bytes a browser fetches without headers (HLS files, torrent streams).

A token covers one path prefix until an expiry: ``?exp=<epoch seconds>&st=<signature>`` where
``st`` is the unpadded base64url HMAC-SHA256, under the stream key, of ``"<exp>:<prefix>"``.
Any path under the prefix is allowed, so one token serves a playlist and everything it names;
another prefix (another asset) never verifies. ``docs/MEDIA.md`` shows an edge checking it.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import urlencode

from app.errors import AppError


def stream_key(secret_key: str, configured: str | None = None) -> bytes:
    """``STREAM_SIGNING_KEY`` when set (share it with a CDN edge), else one derived from
    ``SECRET_KEY`` so the app secret itself never leaves the app."""
    if configured:
        return configured.encode()
    return hmac.new(secret_key.encode(), b"marquee stream urls", hashlib.sha256).digest()


def signature(key: bytes, prefix: str, expires: int) -> str:
    digest = hmac.new(key, f"{expires}:{prefix}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def signed_query(key: bytes, prefix: str, ttl: int, now: float | None = None) -> tuple[str, int]:
    """The query string for ``prefix`` and its expiry (epoch seconds)."""
    expires = int((time.time() if now is None else now) + ttl)
    return urlencode({"exp": expires, "st": signature(key, prefix, expires)}), expires


class TokenRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "missing", "expired" or "invalid"


def verify(key: bytes, prefix: str, path: str, exp: str | None, st: str | None, now: float | None = None) -> None:
    """Raise ``TokenRefused`` unless ``exp``/``st`` sign ``prefix``, ``path`` lies under it and
    the expiry has not passed."""
    if not exp or not st:
        raise TokenRefused("missing")
    if not exp.isdigit() or len(exp) > 12 or not path.startswith(prefix):
        raise TokenRefused("invalid")
    if not hmac.compare_digest(signature(key, prefix, int(exp)), st):
        raise TokenRefused("invalid")
    if int(exp) <= (time.time() if now is None else now):
        raise TokenRefused("expired")


class StreamTokenError(AppError):
    code, status, message = "STREAM_TOKEN_INVALID", 403, "The stream URL is not valid"


def check(key: bytes, prefix: str, path: str, exp: str | None, st: str | None, subject: str = "file") -> None:
    """``verify``, refused in the envelope: 403 ``STREAM_TOKEN_EXPIRED``, or ``STREAM_TOKEN_INVALID``
    saying whether the token is missing or signs something else (``subject`` names what)."""
    try:
        verify(key, prefix, path, exp, st)
    except TokenRefused as refused:
        if refused.reason == "expired":
            raise StreamTokenError("The stream URL has expired; ask for a new one",
                                   code="STREAM_TOKEN_EXPIRED") from None
        if refused.reason == "missing":
            raise StreamTokenError("The stream URL carries no token (exp and st)") from None
        raise StreamTokenError(f"The stream URL's token is not valid for this {subject}") from None
