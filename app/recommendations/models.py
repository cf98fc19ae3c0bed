"""The personalized models behind one interface (pure: numpy, scipy and implicit; no Flask).

EASE (Steck, 2019) is a closed form on the item-item Gram matrix: ``B = I - P / diag(P)`` with
``P = (X'X + lambda I)^-1``; a user's scores are ``x_u B``. Dense in items, so it is used up to
``RECS_EASE_MAX_ITEMS``. ALS (implicit's ``AlternatingLeastSquares``) factors the matrix and
scales to any catalog. Both score users in chunks (bounded memory), fold a user in from their
row alone, name the history title that most supports each pick, and serialise to bytes.
"""
from __future__ import annotations

import io
import time
from typing import Callable

import numpy as np
import scipy.sparse as sp

Progress = Callable[[float], None]
DENSE_BUDGET = 1 << 24  # cells of a dense score chunk (64 MiB of float32)


def _rows_per_chunk(columns: int) -> int:
    return max(1, min(8192, DENSE_BUDGET // max(1, columns)))


class PersonalModel:
    name = "model"
    fit_seconds = 0.0

    def fit(self, user_items: sp.csr_matrix, progress: Progress = lambda share: None) -> "PersonalModel":
        raise NotImplementedError

    def scores(self, user_items: sp.csr_matrix) -> np.ndarray:
        """Dense scores (users x items) for the rows given."""
        raise NotImplementedError

    def support(self, history: np.ndarray, picks: np.ndarray) -> np.ndarray:
        """How much each history item (rows) supports each pick (columns)."""
        raise NotImplementedError

    def dumps(self) -> bytes:
        raise NotImplementedError

    def recommend(self, user_items: sp.csr_matrix, n: int,
                  exclude: sp.csr_matrix | None = None) -> list[list[tuple[int, float, int]]]:
        """Per user row: up to ``n`` ``(item, score, supporting history item or -1)``, best first,
        never an item of the row's history (nor of ``exclude``'s row), nor one scored 0 or less."""
        results: list[list[tuple[int, float, int]]] = []
        seen_all = user_items if exclude is None else (user_items + exclude)
        step = _rows_per_chunk(user_items.shape[1])
        for start in range(0, user_items.shape[0], step):
            chunk = user_items[start:start + step]
            scores = self.scores(chunk)
            seen = seen_all[start:start + step]
            rows, cols = seen.nonzero()
            scores[rows, cols] = -np.inf
            k = min(n, scores.shape[1])
            if k == 0:
                results.extend([] for _ in range(chunk.shape[0]))
                continue
            top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
            top_scores = np.take_along_axis(scores, top, axis=1)
            order = np.argsort(-top_scores, axis=1, kind="stable")
            top, top_scores = np.take_along_axis(top, order, axis=1), np.take_along_axis(top_scores, order, axis=1)
            for r in range(chunk.shape[0]):
                keep = np.isfinite(top_scores[r]) & (top_scores[r] > 0)  # no evidence: left to the blend
                picks, values = top[r][keep], top_scores[r][keep]
                history = chunk.indices[chunk.indptr[r]:chunk.indptr[r + 1]]
                weights = chunk.data[chunk.indptr[r]:chunk.indptr[r + 1]]
                because = np.full(len(picks), -1, dtype=np.int64)
                if len(history) and len(picks):
                    support = self.support(history, picks) * weights[:, None]
                    best = support.argmax(axis=0)
                    strong = support[best, np.arange(len(picks))] > 0
                    because[strong] = history[best[strong]]
                results.append([(int(i), float(s), int(b)) for i, s, b in zip(picks, values, because)])
        return results


class Ease(PersonalModel):
    name = "ease"

    def __init__(self, regularization: float = 300.0, keep_per_row: int | None = None) -> None:
        self.regularization = regularization
        self.keep_per_row = keep_per_row
        self.weights: np.ndarray | sp.csr_matrix | None = None

    def fit(self, user_items, progress=lambda share: None):
        started = time.monotonic()
        gram = (user_items.T @ user_items).toarray().astype(np.float64)
        progress(0.3)
        gram[np.diag_indices_from(gram)] += self.regularization
        inverse = np.linalg.inv(gram)
        del gram
        progress(0.8)
        weights = (inverse / (-np.diag(inverse))).astype(np.float32)
        weights[np.diag_indices_from(weights)] = 0.0
        self.weights = weights
        self.fit_seconds = time.monotonic() - started
        return self

    def scores(self, user_items):
        product = user_items @ self.weights
        return np.asarray(product.toarray() if sp.issparse(product) else product, dtype=np.float32)

    def support(self, history, picks):
        weights = self.weights
        if sp.issparse(weights):
            return weights[history][:, picks].toarray()
        return weights[np.ix_(history, picks)]

    def pruned(self, keep_per_row: int) -> "Ease":
        """The same model keeping each item's ``keep_per_row`` strongest positive weights: what is
        stored for folding users in (a few MB instead of items^2 floats)."""
        dense = self.weights if not sp.issparse(self.weights) else self.weights.toarray()
        k = min(keep_per_row, dense.shape[1])
        top = np.argpartition(-dense, k - 1, axis=1)[:, :k]
        values = np.take_along_axis(dense, top, axis=1)
        rows = np.repeat(np.arange(dense.shape[0]), k)
        keep = values.ravel() > 0
        model = Ease(self.regularization, keep_per_row)
        model.weights = sp.csr_matrix((values.ravel()[keep], (rows[keep], top.ravel()[keep])), shape=dense.shape,
                                      dtype=np.float32)
        return model

    def dumps(self):
        weights = self.weights if sp.issparse(self.weights) else sp.csr_matrix(self.weights)
        buffer = io.BytesIO()
        np.savez_compressed(buffer, kind=np.asarray([0]), regularization=np.asarray([self.regularization]),
                            data=weights.data, indices=weights.indices, indptr=weights.indptr,
                            shape=np.asarray(weights.shape))
        return buffer.getvalue()


class Als(PersonalModel):
    name = "als"

    def __init__(self, factors: int = 64, regularization: float = 0.05, alpha: float = 2.0, iterations: int = 15,
                 random_state: int = 42) -> None:
        from implicit.cpu.als import AlternatingLeastSquares
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1, "blas"):  # implicit checks OpenBLAS's threads when it is made
            self.model = AlternatingLeastSquares(factors=factors, regularization=regularization, alpha=alpha,
                                                 iterations=iterations, random_state=random_state,
                                                 calculate_training_loss=False)
        self._normalised: np.ndarray | None = None

    def fit(self, user_items, progress=lambda share: None):
        started = time.monotonic()
        total = self.model.iterations

        def step(iteration, elapsed, loss=None):
            progress(min(1.0, (iteration + 1) / total))

        from threadpoolctl import threadpool_limits

        with threadpool_limits(1, "blas"):  # implicit's own threads, not OpenBLAS's under them
            self.model.fit(user_items, show_progress=False, callback=step)
        self.fit_seconds = time.monotonic() - started
        return self

    def scores(self, user_items):
        factors = self.model.recalculate_user(np.arange(user_items.shape[0]), user_items)
        return np.asarray(factors @ self.model.item_factors.T, dtype=np.float32)

    def support(self, history, picks):
        if self._normalised is None:
            items = self.model.item_factors
            norms = np.linalg.norm(items, axis=1, keepdims=True)
            self._normalised = items / np.where(norms == 0, 1, norms)
        return self._normalised[history] @ self._normalised[picks].T

    def dumps(self):
        buffer = io.BytesIO()
        m = self.model
        np.savez_compressed(buffer, kind=np.asarray([1]), item_factors=m.item_factors,
                            params=np.asarray([m.factors, m.regularization, m.alpha, m.iterations]))
        return buffer.getvalue()


def loads(blob: bytes) -> PersonalModel:
    with np.load(io.BytesIO(blob), allow_pickle=False) as arrays:
        if int(arrays["kind"][0]) == 0:
            model = Ease(float(arrays["regularization"][0]))
            model.weights = sp.csr_matrix((arrays["data"], arrays["indices"], arrays["indptr"]),
                                          shape=tuple(int(n) for n in arrays["shape"]))
            return model
        factors, regularization, alpha, iterations = arrays["params"]
        als = Als(int(factors), float(regularization), float(alpha), int(iterations))
        als.model.item_factors = np.ascontiguousarray(arrays["item_factors"], dtype=np.float32)
        return als


def choose(n_items: int, ease_max_items: int, ease_regularization: float, **als_params) -> PersonalModel:
    """EASE while its dense item x item matrix fits the limit, ALS above it."""
    if n_items <= ease_max_items:
        return Ease(ease_regularization)
    return Als(**als_params)
