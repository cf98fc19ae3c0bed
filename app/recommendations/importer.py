"""Loading MovieLens into the catalog, accounts and watch history, for evaluation on real data
and a demo with a real catalog. Idempotent: titles, accounts and viewings already there stay."""
from __future__ import annotations

from datetime import datetime, timezone

import numpy as np

from app.auth import service as auth_service
from app.catalog import service as catalog
from app.playback import service as playback
from app.recommendations.evaluation import Dataset, dataset
from app.recommendations.movielens import MovieLens

SLUG_PREFIX = "movielens-"
UID_PREFIX = "movielens:"


def positives(data: MovieLens, threshold: float) -> Dataset:
    keep = data.positives(threshold)
    return dataset(data.users[keep], data.items[keep], data.times[keep], data.source)


def import_movielens(data: MovieLens, threshold: float, max_users: int | None = None,
                     echo=lambda text: None) -> dict:
    """Movies as catalog titles (title, year, genres; the mean rating on a 10-point scale), raters
    as accounts nobody can sign in to, positive ratings as finished viewings at their time."""
    users = np.unique(data.users)
    if max_users is not None:
        users = users[:max_users]
    chosen = np.isin(data.users, users)
    keep = chosen & data.positives(threshold)
    movie_ids = sorted(data.movies)
    means: dict[int, float] = {}
    counts: dict[int, int] = {}
    for movie_id, rating in zip(data.items[chosen].tolist(), data.ratings[chosen].tolist()):
        counts[movie_id] = counts.get(movie_id, 0) + 1
        means[movie_id] = means.get(movie_id, 0.0) + rating
    positives_per_movie = dict(zip(*np.unique(data.items[keep], return_counts=True)))
    titles = [{"slug": f"{SLUG_PREFIX}{movie_id}", "title": data.movies[movie_id][0],
               "release_year": data.movies[movie_id][1], "genres": data.movies[movie_id][2],
               "average_rating": round(2 * means[movie_id] / counts[movie_id], 2) if counts.get(movie_id) else 0.0,
               "view_count": int(positives_per_movie.get(movie_id, 0))} for movie_id in movie_ids]
    echo(f"titles: {len(titles)}")
    content_ids = catalog.import_titles(titles)
    accounts = auth_service.import_accounts([(f"{UID_PREFIX}{int(u)}", f"MovieLens viewer {int(u)}") for u in users])
    echo(f"accounts: {len(accounts)}")
    entries = []
    for user, movie, when in zip(data.users[keep].tolist(), data.items[keep].tolist(), data.times[keep].tolist()):
        content_id = content_ids.get(f"{SLUG_PREFIX}{movie}")
        if content_id is not None:
            entries.append((accounts[f"{UID_PREFIX}{user}"], content_id,
                            datetime.fromtimestamp(when, tz=timezone.utc)))
    added = playback.import_history(entries)
    echo(f"viewings: {added} added of {len(entries)}")
    return {"source": data.source, "titles": len(titles), "accounts": len(accounts), "viewings": len(entries),
            "viewingsAdded": added}


def already_imported() -> bool:
    """Whether a MovieLens import has run here (one of its accounts exists)."""
    return auth_service.has_account_with_uid_prefix(UID_PREFIX)
