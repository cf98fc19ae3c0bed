"""Time decay for trending (pure: no Flask, no database).

A window is cut into equal periods; a viewing in period ``i`` (0 = the newest) weighs
``0.5 ** (age / half_life)`` taken at the middle of its period, so SQL can apply the decay as a
CASE over period boundaries on any database.
"""
from __future__ import annotations

from datetime import datetime, timedelta

WINDOWS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}
DEFAULT_WINDOW = "7d"


def periods(now: datetime, window: timedelta, half_life: timedelta, buckets: int) -> list[tuple[datetime, float]]:
    """``(since, weight)`` per period, newest first; the last ``since`` is ``now - window``."""
    if buckets < 1 or half_life <= timedelta(0):
        raise ValueError("buckets and half_life must be positive")
    width = window / buckets
    return [(now - width * (index + 1), 0.5 ** ((width * (index + 0.5)) / half_life)) for index in range(buckets)]
