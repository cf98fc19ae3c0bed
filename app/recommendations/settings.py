"""Recommendation settings: how often lists are rebuilt, their sizes and the signal weights."""
from __future__ import annotations

from datetime import timedelta

from config.env import env_float, env_int


def read_settings(config) -> dict:
    return {
        # trending and popular lists are rebuilt this often (seconds) and live three times as long
        "RECS_LIST_INTERVAL": env_int("RECS_LIST_INTERVAL", 300),
        "RECS_LIST_SIZE": env_int("RECS_LIST_SIZE", 500),  # ranked ids kept per list
        "RECS_TRENDING_BUCKETS": env_int("RECS_TRENDING_BUCKETS", 24),  # steps of the time decay
        "RECS_TRENDING_HALF_LIFE": env_float("RECS_TRENDING_HALF_LIFE", 0.25),  # a share of the window
        "RECS_COMPLETION_WEIGHT": env_float("RECS_COMPLETION_WEIGHT", 1.0),  # a finished title counts 1 + this
        "RECS_POPULAR_MIN_VIEWERS": env_int("RECS_POPULAR_MIN_VIEWERS", 2),
        "RECS_ROW_SIZE": env_int("RECS_ROW_SIZE", 10),  # titles per genre row of /popular
    }


def beat_entries(config) -> dict:
    return {
        "recs-refresh-lists": {"task": "workers.recommendations.refresh_lists",
                               "schedule": timedelta(seconds=config["RECS_LIST_INTERVAL"])},
    }
