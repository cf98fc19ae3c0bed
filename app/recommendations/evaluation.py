"""Offline evaluation on a time split (pure: numpy, scipy and implicit; no Flask).

Each user's interactions are ordered by time and the last ``holdout`` share (at least one, for
users with ``min_interactions`` or more) is held out; every model learns from the rest and ranks
all titles but the ones the user already had. Recall@20 (hits over min(20, held out)) and
NDCG@10 are averaged over users with something held out. Hyperparameters are chosen on a
validation split cut the same way from the training part, then each model is refitted on the
whole training part and measured once on the test part, so every model is tuned alike.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import scipy.sparse as sp

from app.recommendations.models import Als, Ease, gram_of, quiet_implicit, recency_profile

RECALL_AT, NDCG_AT = 20, 10
CHOSEN = "edlae-recency"


@dataclass
class Dataset:
    """Positive interactions: parallel arrays of dense user and item indices and epoch seconds."""

    users: np.ndarray
    items: np.ndarray
    times: np.ndarray
    n_users: int
    n_items: int
    name: str = "data"


@dataclass
class Split:
    train: sp.csr_matrix  # users x items, 1 per positive interaction
    times: sp.csr_matrix  # the same pattern: epoch seconds + 1
    held_out: dict[int, set[int]]  # user row -> items held out
    details: dict = field(default_factory=dict)


def dataset(users: np.ndarray, items: np.ndarray, times: np.ndarray, name: str = "data") -> Dataset:
    """Index external user and item ids densely; a repeated pair keeps its first time."""
    user_ids, user_rows = np.unique(np.asarray(users), return_inverse=True)
    item_ids, item_rows = np.unique(np.asarray(items), return_inverse=True)
    order = np.lexsort((np.asarray(times), item_rows, user_rows))
    pairs = user_rows[order] * len(item_ids) + item_rows[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = pairs[1:] != pairs[:-1]
    keep = order[first]
    return Dataset(user_rows[keep], item_rows[keep], np.asarray(times)[keep].astype(np.int64),
                   len(user_ids), len(item_ids), name)


def time_split(data: Dataset, holdout: float = 0.2, min_interactions: int = 5) -> Split:
    order = np.lexsort((data.times, data.users))
    users, items, times = data.users[order], data.items[order], data.times[order]
    bounds = np.flatnonzero(np.diff(users)) + 1
    starts, ends = np.concatenate(([0], bounds)), np.concatenate((bounds, [len(users)]))
    train = np.ones(len(users), dtype=bool)
    for start, end in zip(starts, ends):
        n = end - start
        if n >= min_interactions:
            train[end - max(1, int(round(holdout * n))):end] = False
    shape = (data.n_users, data.n_items)
    matrix = sp.csr_matrix((np.ones(train.sum(), dtype=np.float32), (users[train], items[train])), shape=shape)
    when = sp.csr_matrix((times[train].astype(np.float64) + 1.0, (users[train], items[train])), shape=shape)
    held: dict[int, set[int]] = {}
    for user, item in zip(users[~train], items[~train]):
        held.setdefault(int(user), set()).add(int(item))
    return Split(matrix, when, held, {"holdout": holdout, "minInteractions": min_interactions,
                                      "trainInteractions": int(train.sum()), "testInteractions": int((~train).sum()),
                                      "testUsers": len(held)})


def inner(split: Split, holdout: float) -> Split:
    """A validation split cut from the training part the same way."""
    when = split.times.tocoo()
    data = Dataset(when.row.astype(np.int64), when.col.astype(np.int64), (when.data - 1.0).astype(np.int64),
                   split.train.shape[0], split.train.shape[1])
    return time_split(data, holdout, split.details["minInteractions"])


def measure(split: Split, score: Callable[[np.ndarray], np.ndarray], chunk: int = 512) -> dict:
    """Recall@20 and NDCG@10 of a scorer (user rows -> dense scores) on the held-out items."""
    users = np.asarray(sorted(split.held_out), dtype=np.int64)
    recall = ndcg = 0.0
    discounts = 1.0 / np.log2(np.arange(2, NDCG_AT + 2))
    for start in range(0, len(users), chunk):
        rows = users[start:start + chunk]
        scores = np.asarray(score(rows), dtype=np.float32)
        seen = split.train[rows]
        r, c = seen.nonzero()
        scores[r, c] = -np.inf
        k = min(RECALL_AT, scores.shape[1])
        top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        top = np.take_along_axis(top, np.argsort(-np.take_along_axis(scores, top, axis=1), axis=1, kind="stable"),
                                 axis=1)
        for i, user in enumerate(rows):
            truth = split.held_out[int(user)]
            hits = np.fromiter((item in truth for item in top[i]), dtype=bool, count=k)
            recall += hits.sum() / min(RECALL_AT, len(truth))
            ideal = discounts[:min(NDCG_AT, len(truth))].sum()
            head = hits[:NDCG_AT]
            ndcg += discounts[:len(head)][head].sum() / ideal
    n = max(1, len(users))
    return {"ndcg@10": round(ndcg / n, 5), "recall@20": round(recall / n, 5)}


# ---- candidates: each returns (scorer, fit seconds) for a training matrix -----------------

def _popularity(split: Split, params: dict):
    started = time.monotonic()
    counts = np.asarray(split.train.sum(axis=0), dtype=np.float32).ravel()
    return (lambda rows: np.tile(counts, (len(rows), 1))), time.monotonic() - started


def _item_knn(kind: str):
    def fit(split: Split, params: dict):
        from implicit.nearest_neighbours import BM25Recommender, CosineRecommender

        started = time.monotonic()
        model = (CosineRecommender if kind == "cosine" else BM25Recommender)(K=params["K"])
        with quiet_implicit():
            model.fit(split.train, show_progress=False)
        similarity = model.similarity
        seconds = time.monotonic() - started
        return (lambda rows: (split.train[rows] @ similarity).toarray()), seconds
    return fit


def _ease(recency: bool):
    def fit(split: Split, params: dict, gram: np.ndarray | None = None):
        started = time.monotonic()
        model = Ease(params["lambda"], dropout=params.get("dropout", 0.0))
        model.fit_gram(gram if gram is not None else gram_of(split.train))
        seconds = time.monotonic() - started
        profiles = recency_profile(split.train, split.times, params["decay"]) if recency else split.train
        return (lambda rows: model.scores(profiles[rows])), seconds
    return fit


def _als(split: Split, params: dict):
    model = Als(factors=params["factors"], regularization=params["regularization"], alpha=params["alpha"],
                iterations=params.get("iterations", 15)).fit(split.train)
    return (lambda rows: model.scores(split.train[rows])), model.fit_seconds


def _grid(**axes) -> list[dict]:
    combos = [{}]
    for name, values in axes.items():
        combos = [{**combo, name: value} for combo in combos for value in values]
    return combos


CANDIDATES: dict[str, tuple[Callable, list[dict]]] = {
    "popularity": (_popularity, [{}]),
    "itemknn-cosine": (_item_knn("cosine"), _grid(K=[50, 100, 200])),
    "itemknn-bm25": (_item_knn("bm25"), _grid(K=[50, 100, 200])),
    "ease": (_ease(False), _grid(**{"lambda": [50.0, 100.0, 200.0, 400.0, 800.0]})),
    "als": (_als, _grid(factors=[32, 64], regularization=[0.05, 1.0], alpha=[1.0, 2.0])),
    CHOSEN: (_ease(True), _grid(**{"lambda": [100.0, 200.0, 400.0], "dropout": [0.1, 0.25],
                                   "decay": [0.98, 0.99, 0.995]})),
}


def _tune(name: str, validation: Split) -> dict:
    fit, grid = CANDIDATES[name]
    if len(grid) == 1:
        return grid[0]
    best, best_score = grid[0], -1.0
    grams: dict[str, np.ndarray] = {}
    for params in grid:
        if name in ("ease", CHOSEN):
            gram = grams.setdefault("g", gram_of(validation.train))
            scorer, _ = fit(validation, params, gram)
        else:
            scorer, _ = fit(validation, params)
        score = measure(validation, scorer)["ndcg@10"]
        if score > best_score:
            best, best_score = params, score
    return best


def evaluate(data: Dataset, holdout: float = 0.2, min_interactions: int = 5, min_support: int = 2,
             models: list[str] | None = None, progress: Callable[[str], None] = lambda text: None) -> dict:
    """The evaluation table: every model on one time split, tuned on its validation split."""
    split = time_split(data, holdout, min_interactions)
    if not split.held_out:
        raise ValueError(f"too few interactions to hold any out: no user has {min_interactions} or more")
    support = np.asarray((split.train > 0).sum(axis=0)).ravel()
    kept = support >= min_support  # as the trained model does (RECS_MIN_SUPPORT)
    split = Split(_columns(split.train, kept), _columns(split.times, kept), split.held_out, split.details)
    validation = inner(split, holdout)
    report = {"data": {"name": data.name, "users": data.n_users, "items": data.n_items,
                       "interactions": int(len(data.users)), "modelItems": int(kept.sum())},
              "split": {**split.details, "kind": "time, per user", "minSupport": min_support},
              "chosen": CHOSEN, "models": {}}
    for name in models or list(CANDIDATES):
        progress(f"tuning {name}")
        params = _tune(name, validation)
        scorer, seconds = CANDIDATES[name][0](split, params)
        figures = measure(split, scorer)
        report["models"][name] = {**figures, "fitSeconds": round(seconds, 3), "params": params}
        progress(f"{name}: NDCG@10 {figures['ndcg@10']:.4f}, Recall@20 {figures['recall@20']:.4f}")
    return report


def _columns(matrix: sp.csr_matrix, keep: np.ndarray) -> sp.csr_matrix:
    """The same shape with the columns not kept emptied (held-out items there count as misses)."""
    kept = sp.csr_matrix(matrix.multiply(keep[None, :].astype(matrix.dtype)))
    kept.eliminate_zeros()
    return kept


def table(report: dict) -> str:
    """The report as a text table, best NDCG@10 first, with ratios to the baselines."""
    models = report["models"]
    knn = max((models[n]["ndcg@10"] for n in ("itemknn-cosine", "itemknn-bm25") if n in models), default=0.0)
    ease = models.get("ease", {}).get("ndcg@10", 0.0)
    lines = [f"data: {report['data']['name']} ({report['data']['users']} users, {report['data']['items']} titles, "
             f"{report['data']['interactions']} interactions; {report['data']['modelItems']} titles with "
             f"{report['split']['minSupport']}+ users); split: last {report['split']['holdout']:.0%} of each user's "
             f"interactions by time ({report['split']['testUsers']} users, {report['split']['testInteractions']} "
             "held out)",
             f"{'model':<16}{'NDCG@10':>9}{'Recall@20':>11}{'fit s':>8}{'/ItemKNN':>10}{'/EASE':>8}  params"]
    for name, row in sorted(models.items(), key=lambda kv: -kv[1]["ndcg@10"]):
        ratio_knn = f"{row['ndcg@10'] / knn:.2f}x" if knn else "-"
        ratio_ease = f"{row['ndcg@10'] / ease:.2f}x" if ease else "-"
        mark = " (chosen)" if name == report["chosen"] else ""
        params = ", ".join(f"{k}={v}" for k, v in row["params"].items())
        lines.append(f"{name:<16}{row['ndcg@10']:>9.4f}{row['recall@20']:>11.4f}{row['fitSeconds']:>8.2f}"
                     f"{ratio_knn:>10}{ratio_ease:>8}  {params}{mark}")
    return "\n".join(lines)
