"""Recommendation tasks (the ``recs`` queue): rebuild the ranked lists."""
from __future__ import annotations

from celery import shared_task


@shared_task(name="workers.recommendations.refresh_lists", ignore_result=True, time_limit=600, soft_time_limit=540)
def refresh_lists() -> dict:
    from app.recommendations import service

    return service.refresh_lists()


@shared_task(name="workers.recommendations.build_similar", ignore_result=True, time_limit=3600, soft_time_limit=3500)
def build_similar(force: bool = False) -> dict:
    from app.recommendations import service

    return service.build_similar(force)
