"""Titles as sparse feature vectors for content similarity (pure: numpy and scipy, no Flask).

A title's tokens are its genres, its top-billed cast, its crew (directors, writers, creators),
its original language and its era (its decade, and half as much the decades either side, so
1989 and 1991 are close). Each token weighs its group's weight times its inverse document
frequency (a genre every title has says little; a director says a lot); rows are L2-normalised,
so the dot product of two rows is their cosine similarity.
"""
from __future__ import annotations

import io
import json
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

GROUP_WEIGHTS = {"genre": 1.0, "cast": 0.5, "crew": 0.7, "lang": 0.3, "era": 0.4}
NEIGHBOUR_DECADE = 0.5


def tokens(profile: dict) -> dict[str, float]:
    """Token -> weight within its group (before IDF) for one title profile."""
    found: dict[str, float] = {}
    for slug in profile.get("genres") or ():
        found[f"genre:{slug}"] = GROUP_WEIGHTS["genre"]
    for name in profile.get("cast") or ():
        found[f"cast:{name.strip().lower()}"] = GROUP_WEIGHTS["cast"]
    for name in profile.get("crew") or ():
        found[f"crew:{name.strip().lower()}"] = GROUP_WEIGHTS["crew"]
    if profile.get("language"):
        found[f"lang:{profile['language'].lower()}"] = GROUP_WEIGHTS["lang"]
    year = profile.get("year")
    if year:
        decade = int(year) // 10 * 10
        found[f"era:{decade}"] = GROUP_WEIGHTS["era"]
        for neighbour in (decade - 10, decade + 10):
            found.setdefault(f"era:{neighbour}", GROUP_WEIGHTS["era"] * NEIGHBOUR_DECADE)
    return found


def _normalise(matrix: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix, dtype=np.float32)


@dataclass
class FeatureModel:
    ids: np.ndarray  # content id of each row
    vocabulary: dict[str, int]
    idf: np.ndarray
    matrix: sp.csr_matrix  # titles x tokens, rows L2-normalised

    @classmethod
    def build(cls, profiles: list[dict]) -> "FeatureModel":
        token_sets = [tokens(profile) for profile in profiles]
        vocabulary: dict[str, int] = {}
        for found in token_sets:
            for token in found:
                vocabulary.setdefault(token, len(vocabulary))
        rows, cols, values = [], [], []
        for row, found in enumerate(token_sets):
            for token, weight in found.items():
                rows.append(row)
                cols.append(vocabulary[token])
                values.append(weight)
        shape = (len(profiles), len(vocabulary))
        raw = sp.csr_matrix((np.asarray(values, dtype=np.float32), (rows, cols)), shape=shape)
        document_frequency = np.bincount(np.asarray(cols, dtype=np.int64), minlength=len(vocabulary))
        idf = np.log((1 + len(profiles)) / (1 + document_frequency)).astype(np.float32) + 1.0
        ids = np.asarray([profile["id"] for profile in profiles], dtype=np.int64)
        return cls(ids, vocabulary, idf, _normalise(sp.csr_matrix(raw @ sp.diags(idf))))

    def transposed(self) -> sp.csc_matrix:
        """The matrix transposed for products against it, made once per model."""
        cached = getattr(self, "_transposed", None)
        if cached is None:
            cached = self._transposed = self.matrix.T.tocsc()
        return cached

    def vector(self, profile: dict) -> sp.csr_matrix:
        """One title's row in this model's space (tokens the model never saw are left out)."""
        cols, values = [], []
        for token, weight in tokens(profile).items():
            index = self.vocabulary.get(token)
            if index is not None:
                cols.append(index)
                values.append(weight * self.idf[index])
        row = sp.csr_matrix((np.asarray(values, dtype=np.float32), ([0] * len(cols), cols)),
                            shape=(1, len(self.vocabulary)))
        return _normalise(row)

    def dumps(self) -> bytes:
        buffer = io.BytesIO()
        words = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        np.savez_compressed(buffer, ids=self.ids, idf=self.idf, data=self.matrix.data, indices=self.matrix.indices,
                            indptr=self.matrix.indptr, shape=np.asarray(self.matrix.shape),
                            words=np.frombuffer(json.dumps(words).encode(), dtype=np.uint8))
        return buffer.getvalue()

    @classmethod
    def loads(cls, blob: bytes) -> "FeatureModel":
        with np.load(io.BytesIO(blob), allow_pickle=False) as arrays:
            words = json.loads(arrays["words"].tobytes().decode())
            matrix = sp.csr_matrix((arrays["data"], arrays["indices"], arrays["indptr"]),
                                   shape=tuple(int(n) for n in arrays["shape"]))
            return cls(arrays["ids"], {word: i for i, word in enumerate(words)}, arrays["idf"], matrix)


def chunk_rows(columns: int, budget_cells: int = 1 << 24) -> int:
    """Rows of a dense product chunk that keep it within ``budget_cells`` (64 MiB of float32)."""
    return max(1, min(4096, budget_cells // max(1, columns)))


def top_k(queries: sp.csr_matrix, matrix: sp.csr_matrix, k: int, exclude: np.ndarray | None = None,
          budget_cells: int = 1 << 24, transposed: sp.csc_matrix | None = None) -> tuple[np.ndarray, np.ndarray]:
    """For each query row, the ``k`` rows of ``matrix`` with the highest dot product (best first),
    as ``(indices, scores)`` arrays of shape (queries, k); ``exclude[r]`` is a row never returned
    for query ``r`` (-1: none). Scores of 0 or less come back as index -1. Memory is bounded by
    computing the product a chunk of queries at a time."""
    n = matrix.shape[0]
    k_eff = max(0, min(k, n))
    out_idx = np.full((queries.shape[0], k), -1, dtype=np.int64)
    out_val = np.zeros((queries.shape[0], k), dtype=np.float32)
    if k_eff == 0:
        return out_idx, out_val
    transposed = matrix.T.tocsc() if transposed is None else transposed
    step = chunk_rows(n, budget_cells)
    for start in range(0, queries.shape[0], step):
        dense = np.asarray((queries[start:start + step] @ transposed).todense(), dtype=np.float32)
        if exclude is not None:
            rows = np.arange(dense.shape[0])
            skip = exclude[start:start + step]
            dense[rows[skip >= 0], skip[skip >= 0]] = -np.inf
        part = np.argpartition(-dense, k_eff - 1, axis=1)[:, :k_eff]
        scores = np.take_along_axis(dense, part, axis=1)
        order = np.argsort(-scores, axis=1, kind="stable")
        part, scores = np.take_along_axis(part, order, axis=1), np.take_along_axis(scores, order, axis=1)
        part[scores <= 0] = -1
        out_idx[start:start + step, :k_eff] = part
        out_val[start:start + step, :k_eff] = np.where(scores > 0, scores, 0)
    return out_idx, out_val


def shrinkage(viewers: np.ndarray, shrink: float) -> np.ndarray:
    """The share of content similarity in a title's blend: 1 for a title nobody watched, falling
    as ``shrink / (shrink + viewers)`` while co-watching gathers evidence."""
    return (shrink / (shrink + viewers.astype(np.float64))).astype(np.float32)
