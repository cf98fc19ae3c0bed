"""Media tasks in the media queue: the transcode of one job, and the stalled-job sweep."""
from __future__ import annotations

from celery import shared_task

# A transcode may run for hours: each delivery carries MEDIA_TASK_TIME_LIMIT (app.media.jobs.enqueue).
# A second delivery of the same job (the broker's redelivery, the stalled-job sweep) finds it held
# by a live run and does nothing, or takes it over when that run's worker died.


@shared_task(name="workers.media.transcode", ignore_result=True, acks_late=True, reject_on_worker_lost=True,
             time_limit=6 * 3600 + 300, soft_time_limit=6 * 3600)
def transcode(job_id: int) -> str:
    from app.media import service

    return service.run_job(job_id)


@shared_task(name="workers.media.requeue_stalled", ignore_result=True, time_limit=60, soft_time_limit=50)
def requeue_stalled() -> int:
    from app.media import service

    return service.requeue_stalled()


@shared_task(name="workers.media.sweep_storage", ignore_result=True, time_limit=600, soft_time_limit=540)
def sweep_storage() -> dict:
    from app.media import service

    return service.sweep_storage()


# The chunked path: one task per chunk (their results feed the chord, so they keep them), then
# the join once every chunk has returned.
@shared_task(name="workers.media.transcode_chunk", bind=True, ignore_result=False, acks_late=True,
             reject_on_worker_lost=True, time_limit=6 * 3600 + 300, soft_time_limit=6 * 3600)
def transcode_chunk(self, job_id: int, lease: str, index: int) -> str:
    from app.media import service

    return service.run_chunk(job_id, lease, index, self.request.hostname or "")


@shared_task(name="workers.media.join_chunks", ignore_result=True, acks_late=True, time_limit=3600,
             soft_time_limit=3500)
def join_chunks(job_id: int, lease: str) -> str:
    from app.media import service

    return service.join_chunks(job_id, lease)
