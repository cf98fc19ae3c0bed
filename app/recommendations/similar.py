"""Similar titles: content similarity blended with co-watching, built by the worker.

Content similarity is the cosine of the titles' feature vectors (``features.py``); co-watching
is implicit's item-item cosine (``CosineRecommender``) over the interaction matrix. A title's
blend leans on content while few have watched it (``shrinkage``: all content for a title nobody
watched) and on co-watching as viewers gather. The worker stores each title's list and the
feature model; a title the last build did not know is scored on demand against that model.
"""
from __future__ import annotations

import base64
import logging
import time

import numpy as np
import scipy.sparse as sp
from flask import current_app

from app.catalog import service as catalog
from app.core.outage import best_effort
from app.core.timeutil import now_ms
from app.extensions import redis
from app.recommendations import interactions as signals
from app.recommendations import keys, snapshots
from app.recommendations.features import FeatureModel, shrinkage, top_k
from app.recommendations.lists import Ranked, version_stamp
from app.recommendations.models import quiet_implicit

log = logging.getLogger(__name__)

MODEL = "similar"
FEATURES = "features"
_loaded: dict[str, FeatureModel] = {}  # per process: the feature model of the current version


def _as_csr(indices: np.ndarray, scores: np.ndarray, n: int) -> sp.csr_matrix:
    rows = np.repeat(np.arange(indices.shape[0]), indices.shape[1])
    keep = indices.ravel() >= 0
    return sp.csr_matrix((scores.ravel()[keep], (rows[keep], indices.ravel()[keep])), shape=(n, n),
                         dtype=np.float32)


def co_watching(user_items: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """Item x item cosine over who watched what (each title's ``k`` nearest, itself left out)."""
    from implicit.nearest_neighbours import CosineRecommender

    n = user_items.shape[1]
    if user_items.nnz == 0:
        return sp.csr_matrix((n, n), dtype=np.float32)
    model = CosineRecommender(K=k + 1)
    with quiet_implicit():
        model.fit(user_items, show_progress=False)
    similarity = sp.csr_matrix(model.similarity, dtype=np.float32)
    similarity.setdiag(0)
    similarity.eliminate_zeros()
    return similarity


def blend(content: sp.csr_matrix, cowatch: sp.csr_matrix, viewers: np.ndarray, shrink: float,
          k: int) -> list[list[tuple[int, float]]]:
    """Per row, the ``k`` best ``(row, score)`` of ``a * content + (1 - a) * cowatch`` with ``a``
    the row's shrinkage; a row never lists itself."""
    share = shrinkage(viewers, shrink)
    mixed = sp.csr_matrix(sp.diags(share) @ content + sp.diags(1 - share) @ cowatch)
    mixed.setdiag(0)
    mixed.eliminate_zeros()
    result = []
    for row in range(mixed.shape[0]):
        start, end = mixed.indptr[row], mixed.indptr[row + 1]
        cols, values = mixed.indices[start:end], mixed.data[start:end]
        best = np.lexsort((cols, -values))[:k]
        result.append([(int(cols[i]), float(values[i])) for i in best])
    return result


def build(config) -> dict:
    """Rank every published title's similar titles and publish them as a new snapshot."""
    started = time.monotonic()
    size = config["RECS_SIMILAR_SIZE"]
    model = FeatureModel.build(catalog.title_profiles())
    n = len(model.ids)
    content_idx, content_val = top_k(model.matrix, model.matrix, size, exclude=np.arange(n))
    rows = {int(cid): row for row, cid in enumerate(model.ids)}
    user_items, _ = signals.load(config).matrix(rows, n)
    viewers = np.asarray((user_items > 0).sum(axis=0)).ravel()
    lists = blend(_as_csr(content_idx, content_val, n), co_watching(user_items, size), viewers,
                  config["RECS_SIMILAR_SHRINK"], size)
    at = now_ms()
    version = version_stamp(MODEL, at)
    fields = {str(int(model.ids[row])): Ranked(version, at, tuple((int(model.ids[j]), s) for j, s in items)).encode()
              for row, items in enumerate(lists)}
    snapshots.publish(MODEL, version, fields, {FEATURES: base64.b64encode(model.dumps()).decode()})
    seconds = round(time.monotonic() - started, 3)
    log.info("similar titles built", extra={"titles": n, "pairs": int(user_items.nnz), "seconds": seconds})
    return {"version": version, "titles": n, "interactions": int(user_items.nnz), "seconds": seconds}


def build_if_changed(config, force: bool = False) -> dict:
    state = f"{catalog.catalog_version()}|{signals.fingerprint()}"
    try:
        if not force and snapshots.current(MODEL) and redis.get(keys.fingerprint(MODEL)) == state:
            return {"skipped": "nothing changed since the last build"}
        result = build(config)
        redis.set(keys.fingerprint(MODEL), state)
        return result
    finally:
        redis.delete(keys.building(BUILD_TASK))


def _feature_model(version: str) -> FeatureModel | None:
    model = _loaded.get(version)
    if model is None:
        blob = snapshots.read_blob(MODEL, version, FEATURES)
        if blob is None:
            return None
        model = FeatureModel.loads(base64.b64decode(blob))
        _loaded.clear()
        _loaded[version] = model
    return model


def _content_only(model: FeatureModel, content_id: int, version: str, size: int) -> Ranked:
    profiles = catalog.title_profiles([content_id])
    if not profiles:
        return Ranked(version, now_ms(), ())
    where = np.flatnonzero(model.ids == content_id)
    exclude = np.asarray([where[0] if len(where) else -1])
    indices, scores = top_k(model.vector(profiles[0]), model.matrix, size, exclude=exclude,
                            transposed=model.transposed())
    items = tuple((int(model.ids[j]), float(s)) for j, s in zip(indices[0], scores[0]) if j >= 0)
    return Ranked(version, now_ms(), items)


def similar_to(content_id: int) -> Ranked:
    """The stored list of a title; for a title the last build did not know (or before any
    build), its content similarity against the stored (or a freshly read) feature model."""
    size = current_app.config["RECS_SIMILAR_SIZE"]
    version = snapshots.current(MODEL)
    if version is not None:
        text = snapshots.read_list(MODEL, version, str(content_id))
        if text is not None:
            return Ranked.decode(text)
        model = _feature_model(version)
        if model is not None:
            return _content_only(model, content_id, version_stamp("similar-content", now_ms()), size)
    # nothing built yet (a new deployment, or Redis lost it): ask the worker, answer from the catalog
    request_build()
    return _content_only(_catalog_model(), content_id, version_stamp("similar-content", now_ms()), size)


CATALOG_MODEL_TTL_S = 60.0
_fresh: dict[str, tuple[float, FeatureModel]] = {}


def _catalog_model() -> FeatureModel:
    """A feature model read straight from the catalog, kept in this process per catalog version
    and at most CATALOG_MODEL_TTL_S (also while Redis is down, when there is no version: one
    build a minute, not one per request)."""
    version = catalog.catalog_version()
    key = version if version not in (None, "0") else "unversioned"
    cached = _fresh.get(key)
    if cached is None or time.monotonic() - cached[0] >= CATALOG_MODEL_TTL_S:
        _fresh.clear()
        cached = _fresh[key] = (time.monotonic(), FeatureModel.build(catalog.title_profiles()))
    return cached[1]


BUILD_TASK = "workers.recommendations.build_similar"


@best_effort("recommendation models")
def request_build() -> None:
    """Queue one build (requests arriving before it is done do not queue more)."""
    if redis.set(keys.building(BUILD_TASK), "1", nx=True, ex=current_app.config["RECS_SIMILAR_INTERVAL"]):
        current_app.extensions["celery"].send_task(BUILD_TASK, queue="recs", ignore_result=True)
