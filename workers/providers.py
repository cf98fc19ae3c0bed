"""Provider health checks in the probes queue (beat and on demand)."""
from __future__ import annotations

from celery import shared_task


@shared_task(name="workers.providers.check_providers", ignore_result=True, time_limit=120, soft_time_limit=100)
def check_providers(provider_ids: list[str] | None = None) -> int:
    from app.providers.service import check_providers as run

    return len(run(provider_ids))
