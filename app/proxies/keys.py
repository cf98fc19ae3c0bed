"""Redis keys of the proxies domain."""
from __future__ import annotations

from app.core.keys import key


def members() -> str:
    """JSON list of the pool (PROXY_URLS + database), rebuilt on change or expiry."""
    return key("proxies", "members")


def health(proxy_id: str) -> str:
    return key("proxies", "health", proxy_id)


def connections() -> str:
    return key("proxies", "connections")


def cursor() -> str:
    return key("proxies", "cursor")


def current() -> str:
    """The sticky proxy of the current rotation interval."""
    return key("proxies", "current")
