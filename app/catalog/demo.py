"""The demo catalog seeder: a no-op when the catalog already has titles."""
from __future__ import annotations

from urllib.parse import quote

import click
from sqlalchemy import func, select

from app.catalog import admin
from app.catalog.demo_titles import EPISODE_WORDS, MOVIES, SERIES, SERIES_SHAPE
from app.catalog.models import Content
from app.extensions import db

_ORDINALS = ("One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten")


def _people(spec: str) -> list[dict]:
    credits = []
    for part in spec.split("|"):
        name, role = part.rsplit("/", 1)
        credits.append({"name": name, "role": role, "character": None})
    return credits


def _image(title: str, size: str) -> str:
    return f"https://placehold.co/{size}?text={quote(title)}"


def _seasons(title: str, tmdb_id: int, first_year: int) -> list[dict]:
    seasons, episodes_per, minutes = SERIES_SHAPE[title]
    result = []
    for s in range(1, seasons + 1):
        episodes = []
        for e in range(1, episodes_per + 1):
            word = EPISODE_WORDS[(tmdb_id + s * 7 + e * 3) % len(EPISODE_WORDS)]
            name = "Pilot" if (s, e) == (1, 1) else f"{word}" if e % 3 else f"Chapter {_ORDINALS[(e - 1) % 10]}"
            episodes.append({"number": e, "title": name, "runtime_minutes": minutes,
                             "synopsis": f"Season {s}, episode {e} of {title}."})
        result.append({"number": s, "title": f"Season {s}", "release_year": min(first_year + s - 1, 2026),
                       "synopsis": "", "episodes": episodes})
    return result


def _record(row: tuple, kind: str) -> dict:
    title, year, minutes, rating, language, genres, tmdb_id, tier, average, people, synopsis = row
    data = {
        "kind": kind, "title": title, "synopsis": synopsis, "release_year": year, "runtime_minutes": minutes,
        "maturity_rating": rating, "original_language": language, "genres": genres.split("|"),
        "cast": _people(people), "poster_url": _image(title, "500x750"), "backdrop_url": _image(title, "1280x720"),
        "tmdb_id": tmdb_id, "imdb_id": None, "tier_required": tier, "status": "published", "average_rating": average,
    }
    if kind == "series":
        data["seasons"] = _seasons(title, tmdb_id, year)
    return data


def seed_catalog() -> int:
    """Create the demo titles when the catalog is empty; returns how many were created."""
    if db.session.scalar(select(func.count()).select_from(Content)):
        return 0
    created = 0
    for row in MOVIES:
        admin.create_content(_record(row, "movie"))
        created += 1
    for row in SERIES:
        admin.create_content(_record(row, "series"))
        created += 1
    # plausible popularity so "Trending" and "popular" have an order before anyone watches
    for content in db.session.scalars(select(Content)):
        content.view_count = int(content.average_rating * 100) + (content.tmdb_id or 0) % 97
    db.session.commit()
    return created


def seed_demo() -> None:
    """`flask seed`'s catalog step."""
    click.echo(f"Demo catalog: {seed_catalog()} titles created")
