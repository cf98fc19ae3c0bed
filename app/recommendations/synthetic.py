"""A synthetic viewing data set for tests and scale benchmarks (pure: numpy only).

Titles have a power-law popularity and one to three genres; each user has a few favourite
genres and watches, in time order, titles drawn by popularity among their genres most of the
time and from the whole catalog otherwise. The right answer is therefore known: a user's future
titles share their genres, so a model that learns tastes beats popularity.
"""
from __future__ import annotations

import numpy as np

GENRES = ["Action", "Comedy", "Drama", "Horror", "Romance", "Science Fiction", "Thriller", "Animation",
          "Documentary", "Crime", "Fantasy", "Family"]


def generate(users: int, items: int, interactions: int, seed: int = 7, taste: float = 0.85,
             exponent: float = 1.1) -> tuple[dict[int, tuple[str, int, list[str]]], np.ndarray, np.ndarray,
                                             np.ndarray]:
    """``(titles, user ids, item ids, epoch seconds)``: ids from 1; pairs unique per user."""
    rng = np.random.default_rng(seed)
    popularity = 1.0 / np.arange(1, items + 1) ** exponent
    rng.shuffle(popularity)
    item_genres = [rng.choice(len(GENRES), size=rng.integers(1, 4), replace=False) for _ in range(items)]
    members: list[list[int]] = [[] for _ in GENRES]
    for item, genres in enumerate(item_genres):
        for genre in genres:
            members[genre].append(item)
    genre_items = [np.asarray(m) for m in members]
    genre_cdf = [np.cumsum(popularity[m]) / popularity[m].sum() if len(m) else None for m in genre_items]
    overall_cdf = np.cumsum(popularity) / popularity.sum()
    per_user = np.minimum(np.maximum(1, rng.poisson(interactions / users, size=users)), items)
    user_col, item_col, time_col = [], [], []
    start = 1_600_000_000
    for user in range(users):
        likes = rng.choice(len(GENRES), size=rng.integers(1, 4), replace=False)
        wanted = int(per_user[user])
        chosen = np.empty(0, dtype=np.int64)
        for _ in range(20):  # draw in batches until the user has enough distinct titles
            draws = 3 * wanted
            genres = likes[rng.integers(len(likes), size=draws)]
            picks = np.minimum(np.searchsorted(overall_cdf, rng.random(draws)), items - 1)
            for genre in np.unique(genres):
                if genre_cdf[genre] is None:
                    continue
                use = (genres == genre) & (rng.random(draws) < taste)
                slots = np.minimum(np.searchsorted(genre_cdf[genre], rng.random(use.sum())),
                                   len(genre_items[genre]) - 1)
                picks[use] = genre_items[genre][slots]
            merged = np.concatenate((chosen, picks))
            _, first = np.unique(merged, return_index=True)
            chosen = merged[np.sort(first)][:wanted]
            if len(chosen) >= wanted:
                break
        times = np.sort(rng.integers(start, start + 180 * 86400, size=len(chosen)))
        user_col.append(np.full(len(chosen), user + 1))
        item_col.append(chosen + 1)
        time_col.append(times)
    titles = {item + 1: (f"Synthetic {item + 1}", int(1950 + rng.integers(0, 75)),
                         [GENRES[g] for g in item_genres[item]]) for item in range(items)}
    return (titles, np.concatenate(user_col).astype(np.int64), np.concatenate(item_col).astype(np.int64),
            np.concatenate(time_col).astype(np.int64))
