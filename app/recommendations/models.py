"""The personalized models behind one interface (pure: numpy, scipy and implicit; no Flask).

EASE (Steck, 2019) is a closed form on the item-item Gram matrix: ``B = I - P / diag(P)`` with
``P = (X'X + lambda I)^-1``; a user's scores are ``x_u B``. Dense in items, so it is used up to
``RECS_EASE_MAX_ITEMS``. With ``dropout`` it is EDLAE (Steck, NeurIPS 2020: emphasised denoising,
the L2 penalty of item ``i`` grows by ``p / (1 - p) * G_ii``), which keeps popular items from
explaining themselves. The profile a user is scored from may weigh their recent titles more
(``recency_profile``: time-weighted CF, Ding & Li 2005); their whole history is still excluded. ALS (implicit's ``AlternatingLeastSquares``) factors the matrix and
scales to any catalog. Both score users in chunks (bounded memory), fold a user in from their
row alone, name the history title that most supports each pick, and serialise to bytes.
"""
from __future__ import annotations

import contextlib
import io
import time
import warnings
from typing import Callable

import numpy as np
import scipy.linalg
import scipy.sparse as sp

Progress = Callable[[float], None]


@contextlib.contextmanager
def quiet_implicit():
    """implicit's nearest-neighbour code hands itself a COO matrix and then warns about it."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Method expects CSR input")
        yield
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
                  profiles: sp.csr_matrix | None = None) -> list[list[tuple[int, float, int]]]:
        """Per user row: up to ``n`` ``(item, score, supporting history item or -1)``, best first,
        never an item of the row's history, nor one scored 0 or less. ``profiles`` (the same
        pattern as ``user_items``, other weights) is what scores are computed from, if given."""
        results: list[list[tuple[int, float, int]]] = []
        profiles = user_items if profiles is None else profiles
        step = _rows_per_chunk(user_items.shape[1])
        for start in range(0, user_items.shape[0], step):
            chunk = profiles[start:start + step]
            scores = self.scores(chunk)
            seen = user_items[start:start + step]
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


def gram_of(user_items: sp.csr_matrix) -> np.ndarray:
    """``X'X`` as a dense float32 matrix (items x items)."""
    return np.asarray((user_items.T @ user_items).toarray(), dtype=np.float32)


class Ease(PersonalModel):
    name = "ease"

    def __init__(self, regularization: float = 300.0, keep_per_row: int | None = None, dropout: float = 0.0) -> None:
        if not 0.0 <= dropout < 1.0:
            raise ValueError("dropout must be in [0, 1)")
        self.regularization = regularization
        self.keep_per_row = keep_per_row
        self.dropout = dropout
        self.weights: np.ndarray | sp.csr_matrix | None = None

    def fit(self, user_items, progress=lambda share: None):
        started = time.monotonic()
        self.fit_gram(gram_of(user_items), progress)
        self.fit_seconds = time.monotonic() - started
        return self

    def fit_gram(self, gram: np.ndarray, progress: Progress = lambda share: None) -> "Ease":
        """Fit from a Gram matrix (``gram_of``), left unchanged so a search can reuse it."""
        progress(0.3)
        penalty = (self.regularization + self.dropout / (1.0 - self.dropout) * np.diag(gram)).astype(np.float32)
        system = np.array(gram, dtype=np.float32)  # one copy; inverted in place below
        system[np.diag_indices_from(system)] += penalty
        # float32 halves the memory and the time; the penalty keeps the system well conditioned
        weights = scipy.linalg.inv(system, overwrite_a=True, check_finite=False)
        del system
        progress(0.8)
        if self.dropout:  # EDLAE: B = I - P diag(penalty)
            weights *= -penalty[None, :]
        else:  # EASE: B = I - P / diag(P), the same when the penalty is one constant
            weights /= -np.diag(weights).copy()[None, :]
        weights[np.diag_indices_from(weights)] = 0.0
        self.weights = weights
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
        model = Ease(self.regularization, keep_per_row, self.dropout)
        model.weights = sp.csr_matrix((values.ravel()[keep], (rows[keep], top.ravel()[keep])), shape=dense.shape,
                                      dtype=np.float32)
        return model

    def dumps(self):
        weights = self.weights if sp.issparse(self.weights) else sp.csr_matrix(self.weights)
        buffer = io.BytesIO()
        np.savez_compressed(buffer, kind=np.asarray([0]),
                            regularization=np.asarray([self.regularization, self.dropout]),
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
            regularization, dropout = (float(x) for x in arrays["regularization"])
            model = Ease(regularization, dropout=dropout)
            model.weights = sp.csr_matrix((arrays["data"], arrays["indices"], arrays["indptr"]),
                                          shape=tuple(int(n) for n in arrays["shape"]))
            return model
        factors, regularization, alpha, iterations = arrays["params"]
        als = Als(int(factors), float(regularization), float(alpha), int(iterations))
        als.model.item_factors = np.ascontiguousarray(arrays["item_factors"], dtype=np.float32)
        return als


def recency_profile(user_items: sp.csr_matrix, times: sp.csr_matrix, decay: float) -> sp.csr_matrix:
    """``user_items`` with each user's titles weighted ``decay ** k``, k = 0 for their latest
    (``times``: the same pattern, epoch seconds). ``decay`` 1 changes nothing."""
    if decay >= 1.0:
        return user_items
    items, when = user_items.tocsr(), times.tocsr()
    data = items.data.astype(np.float32).copy()
    for row in range(items.shape[0]):
        start, end = items.indptr[row], items.indptr[row + 1]
        if end > start:
            newest_first = np.argsort(-when.data[start:end], kind="stable")
            rank = np.empty(end - start, dtype=np.int64)
            rank[newest_first] = np.arange(end - start)
            data[start:end] *= decay ** rank
    return sp.csr_matrix((data, items.indices, items.indptr), shape=items.shape)


def choose(n_items: int, ease_max_items: int, ease_regularization: float, ease_dropout: float = 0.0,
           **als_params) -> PersonalModel:
    """EASE (EDLAE with a dropout) while its dense item x item matrix fits the limit, ALS above."""
    if n_items <= ease_max_items:
        return Ease(ease_regularization, dropout=ease_dropout)
    return Als(**als_params)
