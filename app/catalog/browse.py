"""Browsing the catalog: filtered lists, details, cards for other domains, the home page."""
from __future__ import annotations

import hashlib
import time
import uuid
from datetime import timedelta
from typing import Callable

from flask import current_app
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from app.catalog import keys
from app.catalog.access import Viewer, ensure_visible
from app.catalog.models import GENRE_SEPARATOR, Content, Episode, Genre, Season, content_genres
from app.core.identity import TIERS, TIER_RANK
from app.core.pagination import page_meta
from app.core.schemas import MAX_DB_INT
from app.core.timeutil import as_utc, utcnow
from app.errors import NotFoundError
from app.core.outage import best_effort
from app.extensions import db, redis

_SORTS = {
    "newest": lambda: (Content.release_year.desc().nulls_last(), Content.id.desc()),
    "popular": lambda: (Content.view_count.desc(), Content.id.desc()),
    "rating": lambda: (Content.average_rating.desc(), Content.id.desc()),
    "title": lambda: (Content.title.asc(), Content.id.asc()),
}


_genre_id_by_slug: dict[tuple[str, str], dict[str, int]] = {}
NO_GENRE = -1  # an id no genre has


def genre_ids(slugs: list[str], version: str | None = None) -> list[int]:
    """Ids of the genre slugs given (repeated or comma-separated); unknown ones match no title."""
    wanted = {part.strip().lower() for value in slugs for part in value.split(",") if part.strip()}
    if not wanted:
        return []
    # Per catalog version: genres only appear through admin writes, which change the version.
    version = version or catalog_version()
    cache_key = (str(db.engine.url), version)
    if version is None:  # Redis is down: no version to trust, so nothing is remembered
        known: dict[str, int] = {}
    else:
        if cache_key not in _genre_id_by_slug:
            _genre_id_by_slug.clear()
        known = _genre_id_by_slug.setdefault(cache_key, {})
    missing = wanted - set(known)
    if missing:
        known.update(db.session.execute(select(Genre.slug, Genre.id).where(Genre.slug.in_(missing))).all())
    # An unknown genre is a filter nothing matches (like any other value), not an invalid request:
    # which genres exist is data, so no document could list them.
    return sorted(known[slug] for slug in wanted if slug in known) or [NO_GENRE]


def visible_to(stmt: Select, viewer: Viewer, status: str | None = None) -> Select:
    """Drafts only for staff; titles above the viewer's maturity limit never listed."""
    if viewer.is_staff:
        return stmt.where(Content.status == status) if status else stmt
    return stmt.where(Content.status == "published", Content.maturity_level <= viewer.max_level)


def tiers_within(tier: str) -> tuple[str, ...]:
    """The tiers a subscription covers (its own and every cheaper one)."""
    return TIERS[:TIER_RANK.get(tier, 0) + 1]


def playable_to(stmt: Select, viewer: Viewer) -> Select:
    """Published titles the viewer may play: within their maturity limit and tier (staff: all)."""
    stmt = stmt.where(Content.status == "published")
    if viewer.is_staff:
        return stmt
    return stmt.where(Content.maturity_level <= viewer.max_level,
                      Content.tier_required.in_(tiers_within(viewer.tier)))


ID_CHUNK = 900  # ids per IN list: well under every driver's limit on bound parameters
PLAYABLE_SETS = 16  # viewer classes (3 tiers x 5 maturity limits, and staff) a process keeps
PLAYABLE_TTL_S = 60.0  # a write whose version bump was lost (Redis hiccup) shows within this
_playable: dict[tuple, tuple[float, frozenset[int]]] = {}


def _playable_set(viewer: Viewer, version: str) -> frozenset[int]:
    """Every id the viewer's class may play, per catalog version (admin writes bump it) and for
    at most PLAYABLE_TTL_S, so a ranked list is filtered in memory instead of by an IN query per
    request."""
    key = (str(db.engine.url), version, viewer.is_staff, viewer.tier if not viewer.is_staff else "",
           viewer.max_level if not viewer.is_staff else 0)
    now = time.monotonic()
    cached = _playable.get(key)
    if cached is not None and now - cached[0] < PLAYABLE_TTL_S:
        return cached[1]
    found = frozenset(db.session.scalars(playable_to(select(Content.id), viewer)))
    for old in [k for k, (at, _) in _playable.items() if k[:2] != key[:2] or now - at >= PLAYABLE_TTL_S]:
        _playable.pop(old, None)
    while len(_playable) >= PLAYABLE_SETS:
        _playable.pop(next(iter(_playable)), None)
    _playable[key] = (now, found)
    return found


def playable_ids(content_ids: list[int], viewer: Viewer) -> list[int]:
    """The ids (in the order given, without repeats) of titles the viewer may play."""
    unique = list(dict.fromkeys(content_ids))
    version = catalog_version() if unique else None
    # "0" is no write since Redis last lost its keys: it may come back, so it is never trusted
    if version is not None and version != "0":
        allowed = _playable_set(viewer, version)
        return [cid for cid in unique if cid in allowed]
    allowed_now: set[int] = set()  # Redis is down: no version to trust, so ask the database
    for start in range(0, len(unique), ID_CHUNK):
        chunk = unique[start:start + ID_CHUNK]
        allowed_now.update(db.session.scalars(playable_to(select(Content.id), viewer).where(Content.id.in_(chunk))))
    return [cid for cid in unique if cid in allowed_now]


def genres_of(content_ids: list[int]) -> dict[int, list[str]]:
    """Genre slugs per content id (ids without genres are left out)."""
    members: dict[int, list[str]] = {}
    unique = list(dict.fromkeys(content_ids))
    for start in range(0, len(unique), ID_CHUNK):
        rows = db.session.execute(
            select(content_genres.c.content_id, Genre.slug).join(Genre, Genre.id == content_genres.c.genre_id)
            .where(content_genres.c.content_id.in_(unique[start:start + ID_CHUNK])))
        for content_id, slug in rows:
            members.setdefault(content_id, []).append(slug)
    return members


def genre_names_by_slug() -> dict[str, str]:
    return dict(db.session.execute(select(Genre.slug, Genre.name)).all())


def apply_filters(stmt: Select, args: dict, viewer: Viewer, for_count: bool = False,
                  version: str | None = None) -> Select:
    stmt = visible_to(stmt, viewer, args.get("status"))
    if args.get("kind"):
        stmt = stmt.where(Content.kind == args["kind"])
    ids = genre_ids(args.get("genre") or [], version)
    if ids:
        # A page walks the sort index and probes each title's genres (EXISTS); a count is
        # cheaper driven from the genre side (IN). Planners do not always find either alone.
        if for_count:
            stmt = stmt.where(Content.id.in_(
                select(content_genres.c.content_id).where(content_genres.c.genre_id.in_(ids))))
        else:
            stmt = stmt.where(select(content_genres.c.content_id).where(
                content_genres.c.content_id == Content.id, content_genres.c.genre_id.in_(ids)).exists())
    if args.get("year_from") is not None:
        stmt = stmt.where(Content.release_year >= args["year_from"])
    if args.get("year_to") is not None:
        stmt = stmt.where(Content.release_year <= args["year_to"])
    if args.get("min_rating") is not None:
        stmt = stmt.where(Content.average_rating >= args["min_rating"])
    if args.get("tier_required"):
        stmt = stmt.where(Content.tier_required == args["tier_required"])
    if args.get("language"):
        stmt = stmt.where(Content.original_language == args["language"])
    return stmt


@best_effort("catalog cache")  # None: Redis is down, so nothing is read from or written to the cache
def catalog_version() -> str | None:
    return redis.get(keys.version()) or "0"


# after the admin's commit; counts cached under the old version expire within CATALOG_COUNT_CACHE_TTL
@best_effort("catalog cache")
def bump_version() -> None:
    # a random token, not a counter: a reset Redis must never bring back an old version
    redis.set(keys.version(), uuid.uuid4().hex)


def cached_total(count_stmt: Callable[[], Select], args: dict, viewer: Viewer, version: str | None) -> int:
    """``meta.total`` for a filter combination, cached per catalog version: counting tens of
    thousands of matching rows costs more than the page itself, and it only changes when an
    admin writes (which bumps the version)."""
    parts = sorted((k, repr(v)) for k, v in args.items() if k not in ("page", "per_page", "sort"))
    digest = hashlib.sha1(repr((parts, viewer.is_staff, viewer.max_level)).encode()).hexdigest()
    cache_key = keys.count(version, digest) if version is not None else None
    cached = _cache_get(cache_key) if cache_key else None
    if cached is not None:
        return int(cached)
    total = db.session.scalar(select(func.count()).select_from(count_stmt().order_by(None).subquery()))
    if cache_key:
        _cache_set(cache_key, total, current_app.config["CATALOG_COUNT_CACHE_TTL"])
    return total


@best_effort("catalog cache")
def _cache_get(cache_key: str) -> str | None:
    return redis.get(cache_key)


@best_effort("catalog cache")
def _cache_set(cache_key: str, value, ttl: int) -> None:
    redis.set(cache_key, value, ex=ttl)


def page_of(stmt: Select, count_stmt: Callable[[], Select], args: dict, viewer: Viewer,
            version: str | None) -> tuple[list[dict], dict]:
    """One page of cards; ``count_stmt`` builds the count query, only when the total is not cached."""
    total = cached_total(count_stmt, args, viewer, version)
    rows = db.session.scalars(stmt.limit(args["per_page"]).offset((args["page"] - 1) * args["per_page"]))
    return [card(item) for item in rows], page_meta(args["page"], args["per_page"], total)


def list_content(args: dict, viewer: Viewer) -> tuple[list[dict], dict]:
    """A page of content cards matching the filters, in the requested order."""
    version = catalog_version()
    stmt = apply_filters(select(Content), args, viewer, version=version).order_by(*_SORTS[args.get("sort", "newest")]())
    return page_of(stmt, lambda: apply_filters(select(Content.id), args, viewer, True, version), args, viewer,
                   version)


def genre_names(content: Content) -> list[str]:
    # The denormalised column saves a query per page of cards; names cannot contain "|".
    return [name for name in content.search_genres.split(GENRE_SEPARATOR) if name]


def card(content: Content) -> dict:
    return {
        "id": content.id, "kind": content.kind, "title": content.title, "slug": content.slug,
        "release_year": content.release_year, "runtime_minutes": content.runtime_minutes,
        "maturity_rating": content.maturity_rating, "original_language": content.original_language,
        "genres": genre_names(content), "poster_url": content.poster_url,
        "backdrop_url": content.backdrop_url, "tier_required": content.tier_required, "status": content.status,
        "view_count": content.view_count, "average_rating": content.average_rating,
    }


def episode_dict(episode: Episode, season_number: int | None = None) -> dict:
    return {
        "id": episode.id, "season_id": episode.season_id, "content_id": episode.content_id,
        "season_number": season_number if season_number is not None else episode.season.number,
        "number": episode.number, "title": episode.title, "synopsis": episode.synopsis,
        "runtime_minutes": episode.runtime_minutes, "air_date": episode.air_date, "still_url": episode.still_url,
        "tmdb_id": episode.tmdb_id, "imdb_id": episode.imdb_id,
    }


def season_dict(season: Season) -> dict:
    return {
        "id": season.id, "content_id": season.content_id, "number": season.number, "title": season.title,
        "synopsis": season.synopsis, "release_year": season.release_year, "poster_url": season.poster_url,
        "episodes": [episode_dict(episode, season.number) for episode in season.episodes],
    }


def detail(content: Content) -> dict:
    data = card(content)
    data.update({
        "synopsis": content.synopsis, "tmdb_id": content.tmdb_id, "imdb_id": content.imdb_id,
        "cast": [{"name": c.name, "role": c.role, "character": c.character} for c in content.credits],
        "created_at": as_utc(content.created_at), "updated_at": as_utc(content.updated_at),
    })
    if content.kind == "series":
        data["seasons"] = [season_dict(season) for season in content.seasons]
    return data


def load_content(content_id: int) -> Content:
    """The content row or NOT_FOUND (ids beyond the integer range cannot exist)."""
    content = db.session.get(Content, content_id) if 0 < content_id <= MAX_DB_INT else None
    if content is None:
        raise NotFoundError("The content was not found")
    return content


def get_content(content_id: int, viewer: Viewer) -> dict:
    """A title with cast, genres and (for series) seasons and episodes."""
    if not 0 < content_id <= MAX_DB_INT:
        raise NotFoundError("The content was not found")
    content = db.session.execute(
        select(Content).where(Content.id == content_id)
        .options(selectinload(Content.credits), selectinload(Content.seasons).selectinload(Season.episodes))
    ).scalar_one_or_none()
    if content is None:
        raise NotFoundError("The content was not found")
    ensure_visible(content, viewer)
    return detail(content)


def cards_by_id(content_ids: list[int], viewer: Viewer | None = None) -> dict[int, dict]:
    """Cards for the given ids (those visible to ``viewer`` when one is given), keyed by id."""
    if not content_ids:
        return {}
    stmt = select(Content).where(Content.id.in_(set(content_ids)))
    if viewer is not None:
        stmt = visible_to(stmt, viewer)
    return {content.id: card(content) for content in db.session.scalars(stmt)}


def episodes_by_id(episode_ids: list[int]) -> dict[int, dict]:
    if not episode_ids:
        return {}
    rows = db.session.execute(
        select(Episode, Season.number).join(Season, Season.id == Episode.season_id)
        .where(Episode.id.in_(set(episode_ids)))
    ).all()
    return {episode.id: episode_dict(episode, number) for episode, number in rows}


def next_episode(content_id: int, episode_id: int) -> dict | None:
    """The episode after ``episode_id`` in season/episode order, or None at the end of the series."""
    ordered = db.session.execute(
        select(Episode, Season.number).join(Season, Season.id == Episode.season_id)
        .where(Episode.content_id == content_id).order_by(Season.number, Episode.number)
    ).all()
    for index, (episode, _) in enumerate(ordered):
        if episode.id == episode_id and index + 1 < len(ordered):
            following, season_number = ordered[index + 1]
            return episode_dict(following, season_number)
    return None


# ---- home page -------------------------------------------------------------------------

@best_effort("trending", default=lambda limit: [])  # the trending row falls back to the most viewed titles
def trending_ids(limit: int) -> list[int]:
    """Content ids by completions over the last TRENDING_DAYS days (Redis), best first."""
    today = utcnow().date()
    days = current_app.config["TRENDING_DAYS"]
    scores: dict[int, float] = {}
    pipe = redis.pipeline(transaction=False)
    for offset in range(days):
        pipe.zrevrange(keys.trending_day((today - timedelta(days=offset)).isoformat()), 0, 200, withscores=True)
    for ranking in pipe.execute():
        for member, score in ranking:
            scores[int(member)] = scores.get(int(member), 0) + score
    return [cid for cid, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))][:limit]


def _row(row_id: str, title: str, items: list[dict]) -> dict:
    return {"id": row_id, "title": title, "items": items}


def home(viewer: Viewer, personal_rows: list[tuple[str, str, list[dict]]] = (),
         trending_cards: Callable[[Viewer, int], list[dict]] | None = None) -> dict:
    """The home page rows: the given personal rows that have cards, trending (from
    ``trending_cards`` when given), new releases, major genres."""
    size = current_app.config["HOME_ROW_SIZE"]
    base = visible_to(select(Content), viewer).where(Content.status == "published")
    rows = [_row(key, title, cards[:size]) for key, title, cards in personal_rows if cards]
    if trending_cards is not None:
        trending = trending_cards(viewer, size)
    else:
        ranked = trending_ids(size * 2)
        by_id = cards_by_id(ranked, viewer)
        trending = [by_id[cid] for cid in ranked if cid in by_id]
    if len(trending) < size:
        seen = {item["id"] for item in trending}
        extra = db.session.scalars(base.order_by(Content.view_count.desc(), Content.id).limit(size * 2))
        trending += [card(c) for c in extra if c.id not in seen]
    rows.append(_row("trending", "Trending now", trending[:size]))
    newest = db.session.scalars(base.order_by(Content.release_year.desc().nulls_last(), Content.created_at.desc(),
                                              Content.id.desc()).limit(size))
    rows.append(_row("new-releases", "New releases", [card(c) for c in newest]))
    genre_counts = db.session.execute(
        select(Genre.id, Genre.name, Genre.slug, func.count().label("n"))
        .join(content_genres, content_genres.c.genre_id == Genre.id)
        .where(content_genres.c.content_id.in_(base.with_only_columns(Content.id)))
        .group_by(Genre.id, Genre.name, Genre.slug).order_by(func.count().desc(), Genre.name)
        .limit(current_app.config["HOME_GENRE_ROWS"])
    ).all()
    for genre_id, name, slug, _ in genre_counts:
        titles = db.session.scalars(
            base.where(Content.id.in_(select(content_genres.c.content_id).where(content_genres.c.genre_id == genre_id)))
            .order_by(Content.view_count.desc(), Content.average_rating.desc(), Content.id).limit(size))
        rows.append(_row(f"genre-{slug}", name, [card(c) for c in titles]))
    return {"rows": rows}
