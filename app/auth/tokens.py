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
    now = int(time.time())
    claims = {"sub": str(user_id), "uid": uid, "role": role, "tier": tier, "email": email, "name": name,
              "typ": "access", "iss": ISSUER, "iat": now, "exp": now + ttl}
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


def new_refresh_token() -> str:
    return secrets.token_urlsafe(48)


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_family_id() -> str:
    return secrets.token_hex(16)
