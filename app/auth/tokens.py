"""Local access tokens (short-lived JWTs) and opaque refresh tokens. No Flask import."""
from __future__ import annotations

import hashlib
import secrets
import time

import jwt

ALGORITHM = "HS256"
ISSUER = "marquee"


class TokenInvalid(Exception):
    pass


def issue_access_token(secret: str, *, user_id: int, uid: str, role: str, tier: str, ttl: int,
                       email: str | None = None, name: str | None = None) -> str:
    """A signed access token. ``jti`` is random, so two tokens issued in the same second for the
    same user differ (a denylist or a log can name one of them)."""
    now = int(time.time())
    claims = {"sub": str(user_id), "uid": uid, "role": role, "tier": tier, "email": email, "name": name,
              "typ": "access", "iss": ISSUER, "iat": now, "exp": now + ttl, "jti": new_token_id()}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_access_token(secret: str, token: str) -> dict:
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], issuer=ISSUER,
                            options={"require": ["exp", "iat", "sub", "typ"]})
    except jwt.ExpiredSignatureError as exc:
        raise TokenInvalid("The access token has expired") from exc
    except jwt.PyJWTError as exc:
        raise TokenInvalid("The access token is not valid") from exc
    if claims.get("typ") != "access":
        raise TokenInvalid("The token is not an access token")
    return claims


def new_token_id() -> str:
    return secrets.token_urlsafe(16)


def new_refresh_token() -> str:
    """An opaque refresh token: 48 random bytes, unique by construction (only its hash is stored)."""
    return secrets.token_urlsafe(48)


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_family_id() -> str:
    return secrets.token_hex(16)
