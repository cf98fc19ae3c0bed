"""Implicit feedback: who watched, finished and saved what, as one weight per user and title.

Weights (settings): a title in the history counts RECS_WEIGHT_WATCHED, finishing it adds
RECS_WEIGHT_COMPLETED, saving it as a favorite adds RECS_WEIGHT_FAVORITE. Each pair keeps its
latest time, so evaluation can split by time.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from app.core.timeutil import as_utc
from app.playback import service as playback
from app.users import service as users


@dataclass
class Interactions:
    users: np.ndarray  # user id per pair
    items: np.ndarray  # content id per pair
    weights: np.ndarray  # float32
    times: np.ndarray  # epoch seconds of the latest signal

    def __len__(self) -> int:
        return len(self.users)

    def matrix(self, item_rows: dict[int, int], n_items: int) -> tuple[sp.csr_matrix, np.ndarray]:
        """Users x items (in ``item_rows`` order; pairs on other titles left out) and the user id
        of each matrix row."""
        weights, _, user_ids = self.matrices(item_rows, n_items)
        return weights, user_ids

    def matrices(self, item_rows: dict[int, int], n_items: int) -> tuple[sp.csr_matrix, sp.csr_matrix, np.ndarray]:
        """The weights and the times (epoch seconds) as users x items matrices of one pattern,
        and the user id of each row. Pairs are unique, so the two patterns match."""
        rows = np.fromiter((item_rows.get(int(cid), -1) for cid in self.items), dtype=np.int64, count=len(self))
        keep = rows >= 0
        user_ids, user_rows = np.unique(self.users[keep], return_inverse=True)
        shape = (len(user_ids), n_items)
        weights = sp.csr_matrix((self.weights[keep], (user_rows, rows[keep])), shape=shape, dtype=np.float32)
        times = sp.csr_matrix((self.times[keep].astype(np.float64) + 1.0, (user_rows, rows[keep])), shape=shape)
        weights.sort_indices()
        times.sort_indices()
        return weights, times, user_ids


def load(config, user_ids: list[int] | None = None) -> Interactions:
    """Every pair (of all users, or of those given) from the watch history and the favorites,
    weighted."""
    pairs: dict[tuple[int, int], list[float]] = {}
    watched, completed = config["RECS_WEIGHT_WATCHED"], config["RECS_WEIGHT_COMPLETED"]
    for user_id, content_id, done, last in playback.history_pairs(user_ids):
        weight = watched + (completed if done else 0.0)
        pairs[(user_id, content_id)] = [weight, as_utc(last).timestamp()]
    favorite = config["RECS_WEIGHT_FAVORITE"]
    for user_id, content_id, saved in users.favorite_pairs(user_ids):
        entry = pairs.setdefault((user_id, content_id), [0.0, 0.0])
        entry[0] += favorite
        entry[1] = max(entry[1], as_utc(saved).timestamp())
    count = len(pairs)
    return Interactions(
        users=np.fromiter((u for u, _ in pairs), dtype=np.int64, count=count),
        items=np.fromiter((c for _, c in pairs), dtype=np.int64, count=count),
        weights=np.fromiter((v[0] for v in pairs.values()), dtype=np.float32, count=count),
        times=np.fromiter((v[1] for v in pairs.values()), dtype=np.float64, count=count).astype(np.int64),
    )


def fingerprint() -> str:
    """Changes whenever the history or the favorites do."""
    return f"{playback.history_fingerprint()}|{users.favorites_fingerprint()}"


def exist() -> bool:
    """Whether anyone has watched or saved anything yet."""
    return playback.history_fingerprint()[0] > 0 or users.favorites_fingerprint()[0] > 0
