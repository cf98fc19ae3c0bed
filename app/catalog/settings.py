"""Catalog settings: the search limit, home rows, trending window, the count cache."""
from __future__ import annotations

from config.env import env_int, env_str


def read_settings(config) -> dict:
    return {
        "SEARCH_RATE_LIMIT": env_str("SEARCH_RATE_LIMIT", "30 per minute"),  # per user (per IP when anonymous)
        "HOME_ROW_SIZE": env_int("HOME_ROW_SIZE", 12),
        "HOME_GENRE_ROWS": env_int("HOME_GENRE_ROWS", 6),
        "TRENDING_DAYS": env_int("TRENDING_DAYS", 7),
        "CATALOG_COUNT_CACHE_TTL": env_int("CATALOG_COUNT_CACHE_TTL", 300),
    }
