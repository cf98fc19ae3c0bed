"""Playback sessions, the Redis progress buffer, watch history, resume rules and analytics."""
from __future__ import annotations

from app.core.domain import Domain, Mount

DOMAIN = Domain(
    name="playback",
    models="app.playback.models",
    mounts=(
        Mount("playback", "app.playback.routes:blp", "/api/v1/streaming"),
        Mount("admin_stats", "app.playback.routes:admin_blp", "/api/v1/admin"),
    ),
    tasks="workers.playback",
    settings="app.playback.settings:read_settings",
    beat="app.playback.settings:beat_entries",
    setup="app.playback.service:add_home_rows",
    seeds=(("demo viewers", "app.playback.demo:seed_demo"),),
)
