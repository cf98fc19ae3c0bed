"""Training jobs: one at a time, their status and progress in Redis for the admin who waits."""
from __future__ import annotations

import json
import uuid

from flask import current_app

from app.core.timeutil import now_ms
from app.errors import NotFoundError
from app.extensions import redis
from app.recommendations import keys

TRAIN_TASK = "workers.recommendations.train"
JOB_TTL_S = 7 * 24 * 3600
TRAIN_TIME_LIMIT_S = 7200  # the task's hard limit (workers/recommendations.py)
ACTIVE_TTL_S = TRAIN_TIME_LIMIT_S + 600  # a job whose worker died frees the slot after this


LOST = "the training was lost: its worker stopped before it finished"
# a queued job becomes running only if it is still the active one and still queued (a redelivered
# or duplicated task message finds it running or done and does nothing)
_CLAIM = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if redis.call('HGET', KEYS[2], 'state') ~= 'queued' then return 0 end
redis.call('HSET', KEYS[2], 'state', 'running', 'startedAt', ARGV[2], 'progress', 0)
return 1
"""


def _status(job_id: str, fields: dict, active: str | None) -> dict:
    def moment(name: str) -> int | None:
        return int(fields[name]) if fields.get(name) else None

    state = fields.get("state") or "queued"
    if state in ("queued", "running") and active != job_id:  # its slot expired or was freed: nobody runs it
        fields = {**fields, "error": LOST}
        state = "failed"
    return {"id": job_id, "state": state, "stage": fields.get("stage") or None,
            "progress": float(fields.get("progress") or 0), "trigger": fields.get("trigger"),
            "queued_at": moment("queuedAt"), "started_at": moment("startedAt"), "finished_at": moment("finishedAt"),
            "result": json.loads(fields["result"]) if fields.get("result") else None,
            "error": fields.get("error") or None}


def start(trigger: str) -> tuple[dict, bool]:
    """Queue a training unless one is queued or running; returns (its status, queued now?)."""
    job_id = uuid.uuid4().hex
    if not redis.set(keys.active_job(), job_id, nx=True, ex=ACTIVE_TTL_S):
        active = redis.get(keys.active_job())
        if active:
            return get(active), False
        return start(trigger)
    redis.hset(keys.job(job_id), mapping={"state": "queued", "progress": 0, "trigger": trigger,
                                          "queuedAt": now_ms()})
    redis.expire(keys.job(job_id), JOB_TTL_S)
    try:
        current_app.extensions["celery"].send_task(TRAIN_TASK, kwargs={"job_id": job_id}, queue="recs",
                                                   ignore_result=True)
    except Exception:  # not queued: free the slot so the next request can try again
        finish(job_id, error="the training could not be queued")
        raise
    return get(job_id), True


def get(job_id: str) -> dict:
    if not job_id or len(job_id) > 64:
        raise NotFoundError("The training job was not found")
    pipe = redis.pipeline(transaction=False)
    pipe.hgetall(keys.job(job_id))
    pipe.get(keys.active_job())
    fields, active = pipe.execute()
    if not fields:
        raise NotFoundError("The training job was not found")
    return _status(job_id, fields, active)


def claim(job_id: str | None, trigger: str) -> str:
    """The job a worker runs: the one queued for it, or (the nightly beat) a new one."""
    if job_id is None:
        job_id = uuid.uuid4().hex
        if not redis.set(keys.active_job(), job_id, nx=True, ex=ACTIVE_TTL_S):
            return ""
        redis.hset(keys.job(job_id), mapping={"state": "queued", "trigger": trigger, "queuedAt": now_ms()})
        redis.expire(keys.job(job_id), JOB_TTL_S)
    if not redis.eval(_CLAIM, 2, keys.active_job(), keys.job(job_id), job_id, now_ms()):
        return ""
    return job_id


def report(job_id: str, stage: str, progress: float) -> None:
    redis.hset(keys.job(job_id), mapping={"stage": stage, "progress": round(min(max(progress, 0.0), 1.0), 3)})


def finish(job_id: str, result: dict | None = None, error: str | None = None) -> None:
    fields = {"state": "failed" if error else "done", "finishedAt": now_ms(), "stage": "" if error else "done"}
    if error:
        fields["error"] = error[:500]
    else:
        fields["progress"] = 1.0
        fields["result"] = json.dumps(result or {})
    redis.hset(keys.job(job_id), mapping=fields)
    if redis.get(keys.active_job()) == job_id:
        redis.delete(keys.active_job())
