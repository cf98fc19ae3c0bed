"""Rate-limit keys and exemptions for Flask-Limiter (counters live in Redis)."""
from __future__ import annotations

from flask import request


def limiter_key() -> str:
    # request.remote_addr is already corrected by ProxyFix for TRUSTED_PROXY_COUNT hops,
    # so a client cannot pick its own key with a forged X-Forwarded-For.
    return request.remote_addr or "unknown"


def limiter_exempt() -> bool:
    from app.core.identity import internal_key_matches

    return internal_key_matches(request.headers.get("x-internal-key"))


def user_or_ip_key() -> str:
    """Per-user key for limits that the design states per user (falls back to the IP)."""
    from app.core.identity import current_identity
    from app.errors import AppError

    try:
        identity = current_identity()
    except AppError:
        identity = None
    if identity is not None and identity.user_id is not None:
        return f"user:{identity.user_id}"
    return limiter_key()
