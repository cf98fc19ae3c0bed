"""Admin writes to the catalog: titles, seasons and episodes. Each function is one commit."""
from __future__ import annotations

import re
import unicodedata

from sqlalchemy import delete, select

from app.catalog import keys
from app.catalog.browse import bump_version, detail, episode_dict, load_content, season_dict
from app.catalog.maturity import level_of
from app.catalog.models import GENRE_SEPARATOR, Content, Credit, Episode, Genre, Season
from app.core.schemas import MAX_DB_INT
from app.errors import ConflictError, NotFoundError, ValidationError
from app.core.outage import best_effort
from app.extensions import db, redis

_SCALARS = ("kind", "title", "synopsis", "release_year", "runtime_minutes", "maturity_rating", "original_language",
            "poster_url", "backdrop_url", "tmdb_id", "imdb_id", "tier_required", "status", "average_rating")


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:300] or "title"


def _unique_slug(base: str, exclude_id: int | None = None) -> str:
    candidate, n = base, 1
    while True:
        stmt = select(Content.id).where(Content.slug == candidate)
        if exclude_id is not None:
            stmt = stmt.where(Content.id != exclude_id)
        if db.session.scalar(stmt) is None:
            return candidate
        n += 1
        candidate = f"{base}-{n}"


def _genres(names: list[str]) -> list[Genre]:
    result, seen = [], set()
    for name in names:
        clean = " ".join(name.split())
        slug = slugify(clean)
        if not clean or slug in seen:
            continue
        seen.add(slug)
        genre = db.session.execute(select(Genre).where(Genre.slug == slug)).scalar_one_or_none()
        if genre is None:
            genre = Genre(name=clean[:60], slug=slug)
            db.session.add(genre)
        result.append(genre)
    return result


def _apply(content: Content, data: dict) -> None:
    for name in _SCALARS:
        if name in data:
            setattr(content, name, data[name])
    if "maturity_rating" in data:
        content.maturity_level = level_of(data["maturity_rating"])
    if "genres" in data:
        content.genres = sorted(_genres(data["genres"]), key=lambda genre: genre.name)
        content.search_genres = GENRE_SEPARATOR.join(genre.name for genre in content.genres)
    if "cast" in data:
        content.credits = [Credit(name=c["name"], role=c["role"], character=c.get("character"), position=i)
                           for i, c in enumerate(data["cast"])]
        content.search_people = " ".join(c["name"] for c in data["cast"])
    if "slug" in data:
        if db.session.scalar(select(Content.id).where(Content.slug == data["slug"], Content.id != (content.id or 0))):
            raise ConflictError("Another title already uses this slug", details={"field": "slug"})
        content.slug = data["slug"]


def _episode_values(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "episodes"}


def _add_seasons(content: Content, seasons: list[dict]) -> None:
    numbers = [s["number"] for s in seasons]
    if len(set(numbers)) != len(numbers):
        raise ValidationError("Season numbers must be unique", field="seasons")
    for season_data in seasons:
        season = Season(**{k: v for k, v in season_data.items() if k != "episodes"})
        episode_numbers = [e["number"] for e in season_data.get("episodes", [])]
        if len(set(episode_numbers)) != len(episode_numbers):
            raise ValidationError("Episode numbers must be unique within a season", field="seasons")
        content.seasons.append(season)
        for episode_data in season_data.get("episodes", []):
            season.episodes.append(Episode(**_episode_values(episode_data)))


def _assign_episode_content(content: Content) -> None:
    for season in content.seasons:
        for episode in season.episodes:
            episode.content_id = content.id


def create_content(data: dict) -> dict:
    """Create a title (with seasons and episodes for a series). A taken slug is a CONFLICT."""
    seasons = data.pop("seasons", None) or []
    if seasons and data["kind"] != "series":
        raise ValidationError("Only a series has seasons", field="seasons")
    content = Content(slug="", view_count=0)
    _apply(content, data)
    if "slug" not in data:
        base = slugify(data["title"]) + (f"-{data['release_year']}" if data.get("release_year") else "")
        content.slug = _unique_slug(base)
    db.session.add(content)
    db.session.flush()
    _add_seasons(content, seasons)
    _assign_episode_content(content)
    db.session.commit()
    bump_version()
    return detail(content)


def update_content(content_id: int, data: dict) -> dict:
    """Replace (PUT) or change (PATCH) a title's fields; seasons are managed on their own routes."""
    content = load_content(content_id)
    if data.get("kind") == "movie" and content.kind == "series" and content.seasons:
        raise ValidationError("A series with seasons cannot become a movie", field="kind")
    _apply(content, data)
    db.session.commit()
    bump_version()
    return detail(content)


def delete_content(content_id: int) -> None:
    """Delete a title; its seasons, episodes, credits, favorites, history and sessions go with it."""
    content = load_content(content_id)
    db.session.execute(delete(Content).where(Content.id == content.id))
    db.session.commit()
    bump_version()
    _forget_trending(content_id)


@best_effort("trending")  # after the commit; trending only lists titles that still exist anyway
def _forget_trending(content_id: int) -> None:
    for day_key in redis.scan_iter(match=keys.trending_day("*"), count=100):
        redis.zrem(day_key, content_id)


def _series(content_id: int) -> Content:
    content = load_content(content_id)
    if content.kind != "series":
        raise ValidationError("Only a series has seasons and episodes", field="contentId")
    return content


def _season(content_id: int, season_id: int) -> Season:
    season = db.session.get(Season, season_id) if 0 < season_id <= MAX_DB_INT else None
    if season is None or season.content_id != content_id:
        raise NotFoundError("The season was not found")
    return season


def _episode(content_id: int, episode_id: int) -> Episode:
    episode = db.session.get(Episode, episode_id) if 0 < episode_id <= MAX_DB_INT else None
    if episode is None or episode.content_id != content_id:
        raise NotFoundError("The episode was not found")
    return episode


def _unique_number(model, parent_column, parent_id: int, number: int, exclude_id: int | None, what: str) -> None:
    stmt = select(model.id).where(parent_column == parent_id, model.number == number)
    if exclude_id is not None:
        stmt = stmt.where(model.id != exclude_id)
    if db.session.scalar(stmt) is not None:
        raise ConflictError(f"{what} {number} already exists", details={"field": "number"})


def create_season(content_id: int, data: dict) -> dict:
    content = _series(content_id)
    _unique_number(Season, Season.content_id, content.id, data["number"], None, "Season")
    _add_seasons(content, [data])
    _assign_episode_content(content)
    db.session.commit()
    season = next(s for s in content.seasons if s.number == data["number"])
    return season_dict(season)


def update_season(content_id: int, season_id: int, data: dict) -> dict:
    """Change a season's own fields; its episodes are managed on their own routes."""
    season = _season(content_id, season_id)
    if "number" in data:
        _unique_number(Season, Season.content_id, content_id, data["number"], season.id, "Season")
    for name, value in data.items():
        setattr(season, name, value)
    db.session.commit()
    return season_dict(season)


def delete_season(content_id: int, season_id: int) -> None:
    season = _season(content_id, season_id)
    db.session.execute(delete(Season).where(Season.id == season.id))
    db.session.commit()


def create_episode(content_id: int, season_id: int, data: dict) -> dict:
    season = _season(content_id, season_id)
    _unique_number(Episode, Episode.season_id, season.id, data["number"], None, "Episode")
    episode = Episode(season_id=season.id, content_id=content_id, **_episode_values(data))
    db.session.add(episode)
    db.session.commit()
    return episode_dict(episode, season.number)


def update_episode(content_id: int, episode_id: int, data: dict) -> dict:
    episode = _episode(content_id, episode_id)
    if "number" in data:
        _unique_number(Episode, Episode.season_id, episode.season_id, data["number"], episode.id, "Episode")
    for name, value in _episode_values(data).items():
        setattr(episode, name, value)
    db.session.commit()
    return episode_dict(episode)


def delete_episode(content_id: int, episode_id: int) -> None:
    episode = _episode(content_id, episode_id)
    db.session.execute(delete(Episode).where(Episode.id == episode.id))
    db.session.commit()


def import_titles(titles: list[dict]) -> dict[str, int]:
    """Add titles in bulk for a data import (``slug``, ``title``, ``release_year``, ``genres``,
    optional ``average_rating``, ``view_count``): published movies on the free tier, unrated (so
    maturity limits hide them) and of undetermined language. Titles whose slug exists are left as
    they are. Returns every given slug's content id. One commit."""
    slugs = [t["slug"] for t in titles]
    known: dict[str, int] = {}
    for start in range(0, len(slugs), 900):
        known.update(db.session.execute(select(Content.slug, Content.id).where(
            Content.slug.in_(slugs[start:start + 900]))).all())
    genres = {genre.slug: genre for genre in db.session.scalars(select(Genre))}
    added = []
    for data in titles:
        if data["slug"] in known:
            continue
        content = Content(kind="movie", title=data["title"][:300], slug=data["slug"], synopsis="",
                          release_year=data.get("release_year"), maturity_rating="NR", maturity_level=level_of("NR"),
                          original_language="und", tier_required="free", status="published",
                          average_rating=float(data.get("average_rating") or 0.0),
                          view_count=int(data.get("view_count") or 0))
        chosen = []
        for name in data.get("genres") or ():
            clean = " ".join(name.split())[:60]
            slug = slugify(clean)
            if not clean:
                continue
            if slug not in genres:
                genres[slug] = Genre(name=clean, slug=slug)
                db.session.add(genres[slug])
            if genres[slug] not in chosen:
                chosen.append(genres[slug])
        content.genres = sorted(chosen, key=lambda genre: genre.name)
        content.search_genres = GENRE_SEPARATOR.join(genre.name for genre in content.genres)
        db.session.add(content)
        added.append(content)
    db.session.commit()
    known.update({content.slug: content.id for content in added})
    if added:
        bump_version()
    return known
