"""Ops beat entries: the heartbeat that proves beat is alive."""
from __future__ import annotations

from datetime import timedelta


def beat_entries(config) -> dict:
    return {"ops-heartbeat": {"task": "workers.ops.record_heartbeat", "schedule": timedelta(seconds=60)}}
