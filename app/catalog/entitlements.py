"""Entitlements on paths that name a title by its media id (a TMDB or IMDb id) instead of its
catalog id: provider embeds and watch-together rooms ask here, so one check guards every path."""
from __future__ import annotations

import re
from typing import Callable

from sqlalchemy import select

from app.catalog.access import Viewer, ensure_entitled, viewer_for
from app.catalog.models import Content
from app.core.identity import Identity
from app.core.schemas import MAX_DB_INT
from app.extensions import db

_TMDB_ID = re.compile(r"^[0-9]{1,19}$")
_IMDB_ID = re.compile(r"^tt[0-9]{1,12}$")
KIND_OF_MEDIA_TYPE = {"movie": "movie", "tv": "series"}


def titles_for_media(media_type: str, media_id: str) -> list[Content]:
    """The catalog titles (drafts included) a provider media id stands for: empty for an id the
    catalog does not hold or a media type it does not know."""
    kind = KIND_OF_MEDIA_TYPE.get(media_type)
    media_id = (media_id or "").strip()
    if kind is None:
        return []
    if _TMDB_ID.fullmatch(media_id):
        tmdb_id = int(media_id)
        if not 0 < tmdb_id <= MAX_DB_INT:
            return []
        match = Content.tmdb_id == tmdb_id
    elif _IMDB_ID.fullmatch(media_id):
        match = Content.imdb_id == media_id
    else:
        return []
    return list(db.session.scalars(select(Content).where(Content.kind == kind, match)))


def ensure_media_entitled(viewer: Viewer | Callable[[], Viewer], media_type: str, media_id: str) -> None:
    """Refuse (``SUBSCRIPTION_REQUIRED`` or ``MATURITY_RESTRICTED``, 403) a media id that is a
    catalog title the viewer may not watch; an id outside the catalog passes. ``viewer`` may be a
    function, called only when the id is a catalog title (most ids are not: no account read)."""
    titles = titles_for_media(media_type, media_id)
    if not titles:
        return
    if callable(viewer):
        viewer = viewer()
    for content in titles:
        ensure_entitled(content, viewer)


def media_gate(identity: Identity | None, media_type: str, media_id: str) -> None:
    """The check as the providers domain calls it, for the identity of a request."""
    ensure_media_entitled(lambda: viewer_for(identity), media_type, media_id)
