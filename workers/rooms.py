"""Room upkeep: close idle rooms and drop members whose grace ran out (beat, default queue)."""
from __future__ import annotations

from celery import shared_task


@shared_task(name="workers.rooms.close_idle_rooms", ignore_result=True, time_limit=120, soft_time_limit=100)
def close_idle_rooms() -> dict:
    from app.rooms import service

    return service.close_idle_rooms()
