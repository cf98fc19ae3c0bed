"""Ops tasks: a beat-driven heartbeat so /health and the dashboard can tell beat is alive."""
from __future__ import annotations

from celery import shared_task


@shared_task(name="workers.ops.record_heartbeat", ignore_result=True, time_limit=30, soft_time_limit=25)
def record_heartbeat() -> None:
    from app.ops import service

    service.record_heartbeat()
