"""The personalized model: trained by the worker, each user's top-N stored as a snapshot, users
folded in from their own row when their history changes, never trained on a request."""
from __future__ import annotations

import base64
import json
import logging
import time

import numpy as np
from flask import current_app
from redis.exceptions import WatchError

from app.catalog import service as catalog
from app.catalog.service import Viewer
from app.core.outage import best_effort
from app.core.timeutil import now_ms
from app.extensions import redis
from app.recommendations import interactions as signals
from app.recommendations import jobs, keys, snapshots
from app.recommendations.lists import Ranked, version_stamp
from app.recommendations.models import Ease, PersonalModel, choose, loads, recency_profile

log = logging.getLogger(__name__)

MODEL = "personal"
BLOB_MODEL, BLOB_ITEMS, BLOB_INFO = "model", "items", "info"
STAFF = Viewer(is_staff=True, tier="family")
FOLD_IN_BATCH = 500
_loaded: dict[str, tuple[PersonalModel, np.ndarray, dict[int, int]]] = {}


def supported_items(items: np.ndarray, min_support: int) -> list[int]:
    """Titles at least ``min_support`` users interacted with: a title one user watched teaches
    co-watching nothing, and leaving them out keeps EASE's dense matrix small (on MovieLens, 3.7k
    titles instead of 6k at no cost in accuracy)."""
    ids, counts = np.unique(items, return_counts=True)
    return [int(cid) for cid in ids[counts >= min_support]]


def _model_for(config, n_items: int) -> PersonalModel:
    return choose(n_items, config["RECS_EASE_MAX_ITEMS"], config["RECS_EASE_LAMBDA"], config["RECS_EASE_DROPOUT"],
                  factors=config["RECS_ALS_FACTORS"], regularization=config["RECS_ALS_REGULARIZATION"],
                  alpha=config["RECS_ALS_ALPHA"], iterations=config["RECS_ALS_ITERATIONS"])


def _profiles(config, model: PersonalModel, user_items, times):
    """What users are scored from: recent titles weigh more for EASE (tuned on MovieLens' time
    split); ALS folds users in from their plain weights."""
    return recency_profile(user_items, times, config["RECS_RECENCY_DECAY"]) if isinstance(model, Ease) else None


def _encode(version: str, at: int, picks: list[tuple[int, float, int]], item_ids: np.ndarray) -> str:
    return json.dumps({"version": version, "generatedAt": at, "items": [
        [int(item_ids[i]), round(score, 6), int(item_ids[b]) if b >= 0 else 0] for i, score, b in picks]},
        separators=(",", ":"))


def train(config, job_id: str) -> dict:
    """Fit the model on every interaction with a published title and publish each user's top-N."""
    started = time.monotonic()
    jobs.report(job_id, "loading interactions", 0.02)
    redis.delete(keys.folded_while_training())  # users folded in from now on are ranked again after the swap
    data = signals.load(config)
    supported = supported_items(data.items, config["RECS_MIN_SUPPORT"])
    item_ids = np.asarray(sorted(catalog.playable_ids(supported, STAFF)), dtype=np.int64)
    rows = {int(cid): row for row, cid in enumerate(item_ids)}
    if not len(item_ids):
        raise ValueError(f"no published title has {config['RECS_MIN_SUPPORT']} or more viewers yet "
                         "(RECS_MIN_SUPPORT): nothing to learn from")
    user_items, times, user_ids = data.matrices(rows, len(item_ids))
    model = _model_for(config, len(item_ids))
    jobs.report(job_id, f"fitting {model.name}", 0.1)
    model.fit(user_items, progress=lambda share: jobs.report(job_id, f"fitting {model.name}", 0.1 + 0.5 * share))
    jobs.report(job_id, "ranking users", 0.6)
    at = now_ms()
    version = version_stamp(model.name, at)
    fields = {}
    top_n = config["RECS_TOP_N"]
    step = 2000
    profiles = _profiles(config, model, user_items, times)
    for start in range(0, len(user_ids), step):
        picks = model.recommend(user_items[start:start + step], top_n,
                                profiles[start:start + step] if profiles is not None else None)
        for offset, user_picks in enumerate(picks):
            fields[str(int(user_ids[start + offset]))] = _encode(version, at, user_picks, item_ids)
        jobs.report(job_id, "ranking users", 0.6 + 0.3 * min(1.0, (start + step) / max(1, len(user_ids))))
    jobs.report(job_id, "measuring on held-out viewing", 0.9)
    figures = holdout_figures(config, data, rows, len(item_ids))
    jobs.report(job_id, "publishing", 0.95)
    stored = model.pruned(config["RECS_EASE_FOLDIN_NEIGHBOURS"]) if isinstance(model, Ease) else model
    info = {"version": version, "model": model.name, "trained_at": at, "users": int(len(user_ids)),
            "items": int(len(item_ids)), "interactions": int(user_items.nnz),
            "fit_seconds": round(model.fit_seconds, 3), "seconds": round(time.monotonic() - started, 3),
            "evaluation": figures}
    snapshots.publish(MODEL, version, fields, {
        BLOB_MODEL: base64.b64encode(stored.dumps()).decode(),
        BLOB_ITEMS: base64.b64encode(item_ids.tobytes()).decode(),
        BLOB_INFO: json.dumps(info)})
    # users folded into the old version while this one was trained changed after its data was read
    pipe = redis.pipeline(transaction=True)
    pipe.sunionstore(keys.dirty_users(), [keys.dirty_users(), keys.folded_while_training()])
    pipe.delete(keys.folded_while_training())
    pipe.execute()
    log.info("personalized model trained", extra=info)
    return info


def holdout_figures(config, data, rows: dict[int, int], n_items: int) -> dict | None:
    """The model as configured, refitted without each user's latest 20 % of titles and measured
    on them (NDCG@10, Recall@20): what the admin stats show of the model serving. None when no
    user has enough history to hold any out."""
    from app.recommendations.evaluation import Dataset, measure, time_split

    columns = np.fromiter((rows.get(int(cid), -1) for cid in data.items), dtype=np.int64, count=len(data))
    keep = columns >= 0
    users, user_rows = np.unique(data.users[keep], return_inverse=True)
    split = time_split(Dataset(user_rows, columns[keep], data.times[keep], len(users), n_items), 0.2, 5)
    if not split.held_out:
        return None
    model = _model_for(config, n_items).fit(split.train)
    profiles = _profiles(config, model, split.train, split.times)
    profiles = split.train if profiles is None else profiles
    return {**measure(split, lambda chosen: model.scores(profiles[chosen])), "testUsers": len(split.held_out),
            "holdout": 0.2}


def run_training(job_id: str | None, trigger: str) -> dict:
    """The worker's task: claim the job (the nightly run makes its own), train, report."""
    job_id = jobs.claim(job_id, trigger)
    if not job_id:
        return {"skipped": "a training is already running, or this one already ran"}
    try:
        result = train(current_app.config, job_id)
    except Exception as exc:  # the job says why; the worker logs the trace
        log.exception("training failed")
        jobs.finish(job_id, error=f"{type(exc).__name__}: {exc}")
        raise
    jobs.finish(job_id, result)
    return result


def _current_model(version: str) -> tuple[PersonalModel, np.ndarray, dict[int, int]] | None:
    if version not in _loaded:
        blob, items = (snapshots.read_blob(MODEL, version, BLOB_MODEL),
                       snapshots.read_blob(MODEL, version, BLOB_ITEMS))
        if blob is None or items is None:
            return None
        item_ids = np.frombuffer(base64.b64decode(items), dtype=np.int64)
        _loaded.clear()
        _loaded[version] = (loads(base64.b64decode(blob)), item_ids, {int(c): r for r, c in enumerate(item_ids)})
    return _loaded[version]


def fold_in(config, user_ids: list[int]) -> int:
    """Re-rank the users given with the current model from their own rows (no retraining);
    0 when there is no model to do it with."""
    version = snapshots.current_or_raise(MODEL)
    loaded = _current_model(version) if version else None
    if loaded is None:
        return 0
    model, item_ids, rows = loaded
    user_items, times, found = signals.load(config, user_ids).matrices(rows, len(item_ids))
    at = now_ms()
    fold_version = version  # the lists belong to the model that made them
    picks = model.recommend(user_items, config["RECS_TOP_N"], _profiles(config, model, user_items, times)) \
        if len(found) else []
    fields = {str(int(uid)): _encode(fold_version, at, user_picks, item_ids) for uid, user_picks in zip(found, picks)}
    gone = [str(uid) for uid in user_ids if str(uid) not in fields]
    lists_key = keys.snapshot_lists(MODEL, version)
    training = redis.exists(keys.active_job())
    pipe = redis.pipeline(transaction=True)
    pipe.watch(keys.current(MODEL))  # a swap meanwhile: the users are marked again for the new model
    if pipe.get(keys.current(MODEL)) != version:
        pipe.reset()
        mark_changed(user_ids=user_ids)
        return len(user_ids)
    pipe.multi()
    if fields:
        pipe.hset(lists_key, mapping=fields)
    if gone:  # no interactions left (history deleted): the cold-start blend serves them
        pipe.hdel(lists_key, *gone)
    if training:
        pipe.sadd(keys.folded_while_training(), *user_ids)
        pipe.expire(keys.folded_while_training(), jobs.ACTIVE_TTL_S)
    try:
        pipe.execute()
    except WatchError:
        mark_changed(user_ids=user_ids)
    return len(user_ids)


@best_effort("recommendation models")
def mark_changed(sender=None, user_ids=()) -> None:
    """Listener of playback's and users' change signals: fold these users in soon."""
    if user_ids:
        redis.sadd(keys.dirty_users(), *[int(uid) for uid in user_ids])


def fold_in_changed(config) -> dict:
    """The worker's periodic task: fold in every user marked changed; with no model yet, start
    the first training once there is something new to learn from (not again and again on the
    same data when it cannot train)."""
    if snapshots.current_or_raise(MODEL) is None:
        if not signals.exist():
            return {"folded": 0, "training": False}
        fingerprint = signals.fingerprint()
        if redis.set(keys.first_training(), fingerprint, get=True) == fingerprint:
            return {"folded": 0, "training": False}
        status, queued = jobs.start("first model")
        return {"folded": 0, "training": queued, "job": status["id"]}
    folded = 0
    while True:
        batch = [int(uid) for uid in redis.spop(keys.dirty_users(), FOLD_IN_BATCH) or ()]
        if not batch:
            break
        try:
            done = fold_in(config, batch)
        except BaseException:  # a database error, the soft time limit: they wait for the next run
            redis.sadd(keys.dirty_users(), *batch)
            raise
        if not done:  # the model went meanwhile (Redis lost it): the next run trains or folds them
            redis.sadd(keys.dirty_users(), *batch)
            break
        folded += done
    return {"folded": folded}


def stored_list(user_id: int) -> Ranked | None:
    version = snapshots.current(MODEL)
    text = snapshots.read_list(MODEL, version, str(user_id)) if version else None
    return Ranked.decode(text) if text else None


def model_info() -> dict | None:
    version = snapshots.current(MODEL)
    text = snapshots.read_blob(MODEL, version, BLOB_INFO) if version else None
    return json.loads(text) if text else None
