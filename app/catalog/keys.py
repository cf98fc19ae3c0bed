"""Redis keys of the catalog domain."""
from __future__ import annotations

from app.core.keys import key


def trending_day(day: str) -> str:
    """Completions per content id on one UTC day (``YYYY-MM-DD``); kept TRENDING_DAYS + 1 days."""
    return key("catalog", "trending", day)
