"""Maturity ratings and tiers as ordered levels (pure: no Flask, no database).

Film (MPA) and TV Parental Guidelines ratings share one scale so a single "maturity limit"
preference can filter both kinds of title.
"""
from __future__ import annotations

KINDS = ("movie", "series")
STATUSES = ("draft", "published")
SORTS = ("newest", "popular", "rating", "title")

MATURITY_LEVELS: dict[str, int] = {
    "TV-Y": 0, "G": 0, "TV-G": 0,
    "TV-Y7": 1, "PG": 1, "TV-PG": 1,
    "PG-13": 2, "TV-14": 2,
    "R": 3, "TV-MA": 3,
    "NC-17": 4,
}
RATINGS = tuple(MATURITY_LEVELS)
MAX_LEVEL = max(MATURITY_LEVELS.values())


def level_of(rating: str | None) -> int:
    """The level of a rating; an unrated title counts as the most restricted."""
    return MATURITY_LEVELS.get(rating or "", MAX_LEVEL)


def limit_level(preferences: dict | None) -> int:
    """The highest level a viewer's ``maturityLimit`` preference allows (no limit: everything)."""
    limit = (preferences or {}).get("maturityLimit")
    return MATURITY_LEVELS[limit] if limit in MATURITY_LEVELS else MAX_LEVEL
