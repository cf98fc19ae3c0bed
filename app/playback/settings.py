"""Playback settings: the progress limit and buffer flush, session lifetimes, resume rules."""
from __future__ import annotations

from datetime import timedelta

from config.env import env_float, env_int, env_str


def read_settings(config) -> dict:
    return {
        "PROGRESS_RATE_LIMIT": env_str("PROGRESS_RATE_LIMIT", "120 per minute"),  # per user, not per IP
        "PLAYBACK_FLUSH_INTERVAL": env_float("PLAYBACK_FLUSH_INTERVAL", 10.0),
        "PLAYBACK_FLUSH_BATCH": env_int("PLAYBACK_FLUSH_BATCH", 500),
        "PLAYBACK_IDLE_TIMEOUT": env_int("PLAYBACK_IDLE_TIMEOUT", 300),
        "PLAYBACK_SESSION_TTL": env_int("PLAYBACK_SESSION_TTL", 24 * 3600),
        "RESUME_MIN_PERCENT": env_float("RESUME_MIN_PERCENT", 5.0),
        "RESUME_COMPLETE_PERCENT": env_float("RESUME_COMPLETE_PERCENT", 90.0),
        "RESUME_END_MARGIN": env_float("RESUME_END_MARGIN", 10.0),
        "RESUME_MIN_DURATION": env_float("RESUME_MIN_DURATION", 300.0),
        "CONTINUE_WATCHING_SIZE": env_int("CONTINUE_WATCHING_SIZE", 20),
    }


def beat_entries(config) -> dict:
    return {
        "playback-flush-progress": {"task": "workers.playback.flush_progress",
                                    "schedule": timedelta(seconds=config["PLAYBACK_FLUSH_INTERVAL"])},
        "playback-end-idle-sessions": {"task": "workers.playback.end_idle_sessions",
                                       "schedule": timedelta(seconds=60)},
    }
