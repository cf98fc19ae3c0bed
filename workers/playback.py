"""Playback tasks: drain the progress buffer to the database; end idle sessions."""
from __future__ import annotations

from celery import shared_task


@shared_task(name="workers.playback.flush_progress", ignore_result=True, time_limit=120, soft_time_limit=100)
def flush_progress() -> dict:
    from app.playback import service

    return service.flush_progress()


@shared_task(name="workers.playback.end_idle_sessions", ignore_result=True, time_limit=300, soft_time_limit=270)
def end_idle_sessions() -> dict:
    from app.playback import service

    return service.end_idle_sessions()
