"""Proxy probes in the probes queue (beat and on demand)."""
from __future__ import annotations

from celery import shared_task


@shared_task(name="workers.proxies.probe_proxies", ignore_result=True, time_limit=120, soft_time_limit=100)
def probe_proxies(due_only: bool = True) -> dict:
    from app.proxies.service import probe

    return probe(due_only=due_only)
