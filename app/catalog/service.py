"""The catalog's public interface: routes and other domains call only these names.

Browsing, search and admin writes live in their own modules (``browse``, ``search``, ``admin``);
this module adds what spans them: sources, playback targets and completion counting.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Callable

from flask import current_app
from sqlalchemy import func, select, update

from app.catalog import keys
from app.catalog.access import (ANONYMOUS, Viewer, ensure_entitled, ensure_playable, ensure_visible,  # noqa: F401
                                member_viewer, viewer_for, viewer_for_user)
from app.catalog.admin import (create_content, create_episode, create_season, delete_content,  # noqa: F401
                               delete_episode, delete_season, import_titles, update_content, update_episode,
                               update_season)
from app.catalog import browse
from app.catalog.entitlements import ensure_media_entitled, media_gate, titles_for_media  # noqa: F401
from app.catalog.browse import (card, cards_by_id, catalog_version, episodes_by_id,  # noqa: F401
                                genre_names_by_slug, genres_of, get_content, list_content, load_content,
                                next_episode, playable_ids)
from app.catalog.models import Content, Episode, Season
from app.catalog.profiles import title_profiles  # noqa: F401
from app.catalog.search import search_content  # noqa: F401
from app.core.schemas import MAX_DB_INT
from app.core.timeutil import utcnow
from app.errors import NotFoundError, ValidationError
from app.extensions import db, redis
from app.providers import service as providers


def init_app(app) -> None:
    """Paths that reach a title by its media id ask the catalog's entitlement check."""
    providers.register_media_gate(app, media_gate)


def register_home_row(app, key: str, title: str | Callable[[Viewer], tuple[str, list[dict]] | None],
                      cards: Callable[[Viewer], list[dict]] | None = None) -> None:
    """A personal row that another domain puts at the top of a signed-in viewer's home page
    (playback's continue watching, recommendations' "Because you watched ..."), in the order
    registered: the catalog shows it without depending on that domain. ``title`` is the row's
    title and ``cards`` its cards; or ``title`` alone is a function giving both (a title that
    depends on the viewer), or None for no row."""
    row = (lambda viewer: (title, cards(viewer))) if cards is not None else title
    app.extensions.setdefault("catalog.home_rows", {})[key] = row


def register_trending(app, cards: Callable[[Viewer, int], list[dict]]) -> None:
    """Where the home page's "Trending now" comes from (recommendations' trending list); without
    it, completions counted per day in Redis."""
    app.extensions["catalog.trending"] = cards


def home(viewer: Viewer) -> dict:
    """The home page rows: the personal rows (signed in), trending, new releases, major genres."""
    personal = []
    if viewer.user_id:
        for key, row in current_app.extensions.get("catalog.home_rows", {}).items():
            built = row(viewer)
            if built is not None:
                personal.append((key, *built))
    return browse.home(viewer, personal, current_app.extensions.get("catalog.trending"))


def playback_target(content_id: int, episode_id: int | None, viewer: Viewer) -> dict:
    """What a viewer is about to play, after the visibility, maturity and tier checks.

    Returns ``{content_id, episode_id, season_number, episode_number, duration, content}`` where
    ``duration`` is in seconds (0 when the catalog does not know it).
    """
    content = load_content(content_id)
    ensure_playable(content, viewer)
    if content.kind == "series":
        if episode_id is None:
            raise ValidationError("episodeId is required to play a series", field="episodeId")
        episode = db.session.get(Episode, episode_id) if 0 < episode_id <= MAX_DB_INT else None
        if episode is None or episode.content_id != content.id:
            raise NotFoundError("The episode was not found")
        minutes = episode.runtime_minutes or content.runtime_minutes
        return {"content_id": content.id, "episode_id": episode.id, "season_number": episode.season.number,
                "episode_number": episode.number, "duration": (minutes or 0) * 60, "content": content}
    if episode_id is not None:
        raise ValidationError("A movie has no episodes", field="episodeId")
    return {"content_id": content.id, "episode_id": None, "season_number": None, "episode_number": None,
            "duration": (content.runtime_minutes or 0) * 60, "content": content}


def embeds_for(content: Content, season: int | None = None, episode: int | None = None) -> list[dict]:
    """Provider embeds for a title (best provider first); a provider that cannot embed it is skipped."""
    media_id = str(content.tmdb_id) if content.tmdb_id else content.imdb_id
    if not media_id:
        return []
    media_type = "tv" if content.kind == "series" else "movie"
    sources = []
    for provider in providers.list_providers():
        try:
            sources.append(providers.build_embed(provider.id, media_id, media_type,
                                                 season if media_type == "tv" else None,
                                                 episode if media_type == "tv" else None))
        except (ValidationError, NotFoundError):
            continue
    return sources


def sources(content_id: int, viewer: Viewer, season: int | None, episode: int | None) -> list[dict]:
    """Where a title can be watched today; a series needs ``season`` and ``episode``."""
    content = load_content(content_id)
    ensure_playable(content, viewer)
    if content.kind == "series":
        if season is None or episode is None:
            raise ValidationError("season and episode are required for a series",
                                  field="season" if season is None else "episode")
        exists = db.session.scalar(select(Episode.id).join(Season, Season.id == Episode.season_id).where(
            Episode.content_id == content.id, Season.number == season, Episode.number == episode).limit(1))
        if exists is None:
            raise NotFoundError("The episode was not found")
    return embeds_for(content, season, episode)


def count_completion(content_id: int) -> None:
    """One more completed view: the view count (in the caller's transaction) and today's trending."""
    db.session.execute(update(Content).where(Content.id == content_id).values(view_count=Content.view_count + 1))


def record_trending(content_ids: list[int]) -> None:
    """Feed trending after the commit that counted the views."""
    if not content_ids:
        return
    day_key = keys.trending_day(utcnow().date().isoformat())
    pipe = redis.pipeline(transaction=False)
    for content_id in content_ids:
        pipe.zincrby(day_key, 1, content_id)
    pipe.expire(day_key, int(timedelta(days=current_app.config["TRENDING_DAYS"] + 1).total_seconds()))
    pipe.execute()


def content_counts() -> dict:
    rows = db.session.execute(select(Content.kind, Content.status, func.count()).group_by(Content.kind,
                                                                                          Content.status)).all()
    by_kind: dict[str, int] = {}
    by_status: dict[str, int] = {}
    for kind, status, count in rows:
        by_kind[kind] = by_kind.get(kind, 0) + count
        by_status[status] = by_status.get(status, 0) + count
    return {"total": sum(by_kind.values()), "byKind": by_kind, "byStatus": by_status}


def best_rated(limit: int) -> list[tuple[int, float]]:
    """``(content id, average rating)`` of published titles, best rated first."""
    return [(cid, float(rating)) for cid, rating in db.session.execute(
        select(Content.id, Content.average_rating).where(Content.status == "published")
        .order_by(Content.average_rating.desc(), Content.view_count.desc(), Content.id).limit(limit))]


def top_content(limit: int) -> list[dict]:
    return [card(c) for c in db.session.scalars(
        select(Content).order_by(Content.view_count.desc(), Content.id).limit(limit))]


def locate(title: str, season: int | None = None, episode: int | None = None) -> tuple[int, int | None, int] | None:
    """``(content_id, episode_id, duration in seconds)`` of a title by its exact name (and, for a
    series, a season and episode number), or None. For seeders and tools, not for viewers."""
    content = db.session.scalar(select(Content).where(Content.title == title))
    if content is None:
        return None
    if season is None:
        return content.id, None, (content.runtime_minutes or 0) * 60
    for s in content.seasons:
        if s.number == season:
            for e in s.episodes:
                if e.number == episode:
                    return content.id, e.id, (e.runtime_minutes or 0) * 60
    return None
