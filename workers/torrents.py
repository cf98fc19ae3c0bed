"""Torrent tasks in the torrents queue: a magnet's metadata, fetched once and stored."""
from __future__ import annotations

from celery import shared_task


# The request that asked waits on the reply list for the task's own deadline; a redelivery after
# that would find nobody waiting, so the task is neither retried nor acknowledged late.
@shared_task(name="workers.torrents.fetch_metadata", ignore_result=True, time_limit=660, soft_time_limit=620)
def fetch_metadata(payload: dict, reply: str, timeout: float) -> str:
    from app.torrents import service

    return service.fetch_metadata(payload, reply, timeout)
