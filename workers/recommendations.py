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


# time_limit: app.recommendations.jobs.TRAIN_TIME_LIMIT_S. Acknowledged when it starts: a training
# that kills its worker (memory) is reported lost, not redelivered into the same death, and one
# that runs past the broker's visibility timeout is not run twice.
@shared_task(name="workers.recommendations.train", ignore_result=True, acks_late=False, time_limit=7200,
             soft_time_limit=7000)
def train(job_id: str | None = None, trigger: str = "nightly") -> dict:
    from app.recommendations import service

    return service.run_training(job_id, trigger)


@shared_task(name="workers.recommendations.fold_in", ignore_result=True, time_limit=300, soft_time_limit=270)
def fold_in() -> dict:
    from app.recommendations import service

    return service.fold_in_changed()
