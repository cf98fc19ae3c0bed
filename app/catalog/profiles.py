"""What each title is made of (genres, people, language, era), for content similarity.

Read in bulk by the recommendations worker and one at a time for a title its last build did not
know; only published titles, so a draft never shapes what others are shown.
"""
from __future__ import annotations

from sqlalchemy import select

from app.catalog.models import Content, Credit, Genre, content_genres
from app.extensions import db

TOP_BILLED = 5  # actors after this position in the credits do not count
CREW_ROLES = ("director", "writer", "creator")


def title_profiles(content_ids: list[int] | None = None) -> list[dict]:
    """``{id, genres, cast, crew, language, year}`` per published title (all, or those given)."""
    where = [Content.status == "published"]
    if content_ids is not None:
        where.append(Content.id.in_(content_ids))
    profiles = {
        content_id: {"id": content_id, "genres": [], "cast": [], "crew": [], "language": language or "",
                     "year": year}
        for content_id, language, year in db.session.execute(
            select(Content.id, Content.original_language, Content.release_year).where(*where).order_by(Content.id))
    }
    if not profiles:
        return []
    scope = select(Content.id).where(*where)
    for content_id, slug in db.session.execute(
            select(content_genres.c.content_id, Genre.slug).join(Genre, Genre.id == content_genres.c.genre_id)
            .where(content_genres.c.content_id.in_(scope))):
        profiles[content_id]["genres"].append(slug)
    for content_id, name, role, position in db.session.execute(
            select(Credit.content_id, Credit.name, Credit.role, Credit.position)
            .where(Credit.content_id.in_(scope), (Credit.role.in_(CREW_ROLES)) | (Credit.role == "actor"))
            .order_by(Credit.content_id, Credit.position, Credit.id)):
        profile = profiles[content_id]
        if role == "actor":
            if len(profile["cast"]) < TOP_BILLED:
                profile["cast"].append(name)
        else:
            profile["crew"].append(name)
    return list(profiles.values())
