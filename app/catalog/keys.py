"""Redis keys of the catalog domain."""
from __future__ import annotations

from app.core.keys import key


def trending_day(day: str) -> str:
    """Completions per content id on one UTC day (``YYYY-MM-DD``); kept TRENDING_DAYS + 1 days."""
    return key("catalog", "trending", day)


def version() -> str:
    """Bumped by every admin write to titles, so cached counts never outlive a change."""
    return key("catalog", "version")


def count(catalog_version: str, digest: str) -> str:
    """A cached ``meta.total`` for one filter combination at one catalog version."""
    return key("catalog", "count", catalog_version, digest)
