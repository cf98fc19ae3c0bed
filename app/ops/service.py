"""The ops domain's public door: health, the monitoring figures, breakers, beat's heartbeat."""
from __future__ import annotations

from app.core.timeutil import now_ms
from app.extensions import redis
from app.ops import keys
from app.ops.detailed import detailed_metrics  # noqa: F401
from app.ops.health import CHECKS, health_report  # noqa: F401
from app.ops.overview import overview  # noqa: F401
from app.platform.breaker import force_open as force_open_breaker, list_breakers, reset as reset_breaker  # noqa: F401


def record_heartbeat() -> None:
    """Beat's proof of life: the time of its last run, kept ten minutes."""
    redis.set(keys.beat_heartbeat(), now_ms(), ex=600)
