"""Users as viewers: who may see a profile, profile changes, favorites."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from blinker import Namespace
from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from app.auth import service as auth_service
from app.catalog import service as catalog
from app.core.identity import Identity
from app.core.pagination import paginate
from app.core.schemas import MAX_DB_INT, camelize
from app.core.timeutil import as_utc
from app.errors import AuthorizationError, NotFoundError
from app.extensions import db
from app.playback import service as playback
from app.users.models import Favorite


# Sent after a commit that added or removed a favorite, with ``user_ids`` (recommendations listen).
favorites_changed = Namespace().signal("users.favorites-changed")


def resolve_user_id(identity: Identity, ref: str) -> int:
    """The user a ``/users/{id}`` route means: ``me`` or a number; others' only for admins."""
    if ref == "me":
        return identity.user_id
    if not ref.isascii() or not ref.isdigit() or not 0 < int(ref) <= MAX_DB_INT:
        raise NotFoundError("The user was not found")
    user_id = int(ref)
    if user_id != identity.user_id and not identity.is_admin:
        raise AuthorizationError("You may only see your own account")
    return user_id


def _profile(user) -> dict:
    return {"id": user.id, "email": user.email, "display_name": user.display_name, "avatar_url": user.avatar_url,
            "role": user.role, "subscription_tier": user.subscription_tier, "preferences": user.preferences or {},
            "created_at": as_utc(user.created_at)}


def get_profile(user_id: int) -> dict:
    return _profile(auth_service.get_user(user_id))


def update_profile(identity: Identity, user_id: int, changes: dict) -> dict:
    """Change a profile; the subscription tier only by an admin. Preferences merge key by key."""
    if "subscription_tier" in changes and not identity.is_admin:
        raise AuthorizationError("Only an admin may change the subscription tier")
    if "preferences" in changes:
        changes = {**changes, "preferences": {camelize(k): v for k, v in changes["preferences"].items()}}
    return _profile(auth_service.update_profile(user_id, changes))


def list_favorites(user_id: int, page: int, per_page: int) -> tuple[list[dict], dict]:
    viewer = catalog.viewer_for_user(user_id)
    stmt = select(Favorite).where(Favorite.user_id == user_id).order_by(Favorite.created_at.desc(),
                                                                         Favorite.content_id.desc())
    rows, meta = paginate(db.session, stmt, page, per_page)
    cards = catalog.cards_by_id([row.content_id for row in rows], viewer)
    return [{"content_id": row.content_id, "created_at": as_utc(row.created_at), "content": cards.get(row.content_id)}
            for row in rows], meta


def add_favorite(user_id: int, content_id: int) -> dict:
    """Save a title; saving it again changes nothing (idempotent, no conflict)."""
    viewer = catalog.viewer_for_user(user_id)
    content = catalog.load_content(content_id)
    catalog.ensure_visible(content, viewer)
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    added = db.session.execute(
        insert(Favorite).values(user_id=user_id, content_id=content.id).on_conflict_do_nothing()).rowcount
    db.session.commit()
    if added:
        favorites_changed.send(current_app._get_current_object(), user_ids={user_id})
    row = db.session.get(Favorite, (user_id, content.id))
    return {"content_id": row.content_id, "created_at": as_utc(row.created_at), "content": catalog.card(content)}


def remove_favorite(user_id: int, content_id: int) -> bool:
    removed = db.session.execute(
        delete(Favorite).where(Favorite.user_id == user_id, Favorite.content_id == content_id)).rowcount
    db.session.commit()
    if removed:
        favorites_changed.send(current_app._get_current_object(), user_ids={user_id})
    return bool(removed)


def list_history(user_id: int, page: int, per_page: int) -> tuple[list[dict], dict]:
    """A user's watch history, newest first (kept by playback)."""
    return playback.list_history(user_id, page, per_page)


def delete_history(user_id: int, entry_id: int | None = None) -> int:
    """Delete one history entry, or the whole history; returns how many went."""
    return playback.delete_history(user_id, entry_id)


def continue_watching(user_id: int) -> list[dict]:
    """Titles in progress and next episodes, as the user's tier and maturity limit allow."""
    return playback.continue_watching(catalog.viewer_for_user(user_id))


def favorite_pairs(user_ids: list[int] | None = None, batch: int = 50_000) -> Iterator[tuple[int, int, datetime]]:
    """``(user_id, content_id, saved at)`` of every favorite (of all users or those given),
    streamed (for recommendations)."""
    stmt = select(Favorite.user_id, Favorite.content_id, Favorite.created_at)
    if user_ids is not None:
        stmt = stmt.where(Favorite.user_id.in_(user_ids))
    rows = db.session.execute(stmt.execution_options(yield_per=batch))
    for user_id, content_id, created_at in rows:
        yield int(user_id), int(content_id), created_at


def favorites_fingerprint() -> tuple[int, str]:
    count, latest = db.session.execute(select(func.count(), func.max(Favorite.created_at))).one()
    return int(count), str(latest)
