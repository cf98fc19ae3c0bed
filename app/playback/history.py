"""Watch history and continue watching, read from the flushed history rows."""
from __future__ import annotations

from blinker import Namespace
from flask import current_app
from sqlalchemy import delete, select

from app.catalog import service as catalog
from app.catalog.service import Viewer
from app.core.pagination import paginate
from app.core.timeutil import as_utc, now_ms
from app.errors import NotFoundError
from app.extensions import db
from app.playback import buffer
from app.playback.models import WatchHistory
from app.playback.progress import percent


_signals = Namespace()
# Sent after a commit that changed which titles users watched or finished (a new entry, a
# completion, a deletion), with ``user_ids``: other domains listen (recommendations re-ranks them).
history_changed = _signals.signal("playback.history-changed")


def _entries(rows: list[WatchHistory], viewer: Viewer | None = None) -> list[dict]:
    cards = catalog.cards_by_id([row.content_id for row in rows], viewer)
    episodes = catalog.episodes_by_id([row.episode_id for row in rows if row.episode_id])
    return [{
        "id": row.id, "content_id": row.content_id, "episode_id": row.episode_id,
        "content": cards.get(row.content_id), "episode": episodes.get(row.episode_id) if row.episode_id else None,
        "position": row.position, "duration": row.duration, "percent": percent(row.position, row.duration)
        if not row.completed else 100.0, "completed": row.completed, "last_watched_at": as_utc(row.last_watched_at),
    } for row in rows]


def list_history(user_id: int, page: int, per_page: int) -> tuple[list[dict], dict]:
    """A user's history, newest first, each entry with its content card and episode."""
    stmt = select(WatchHistory).where(WatchHistory.user_id == user_id) \
        .order_by(WatchHistory.last_watched_at.desc(), WatchHistory.id.desc())
    rows, meta = paginate(db.session, stmt, page, per_page)
    return _entries(rows), meta


def delete_history(user_id: int, entry_id: int | None = None) -> int:
    """Delete one entry (NOT_FOUND when it is not the user's) or all of them; returns the count.

    The viewing goes with its entry: what the user reported on the item (every item, for all) up
    to now is forgotten, so no new session resumes there and a later flush of reports still in
    the buffer does not bring the entry back. Reports sent after the delete are a new viewing.
    """
    stmt = delete(WatchHistory).where(WatchHistory.user_id == user_id)
    item = None
    if entry_id is not None:
        item = db.session.scalar(select(WatchHistory.item_key).where(WatchHistory.user_id == user_id,
                                                                     WatchHistory.id == entry_id))
        if item is None:
            raise NotFoundError("The history entry was not found")
        stmt = stmt.where(WatchHistory.id == entry_id)
    # Redis first: if it is down nothing is deleted (503), and a flush after this point skips the state
    buffer.forget(user_id, item, now_ms(), _forget_ttl())
    count = db.session.execute(stmt).rowcount
    db.session.commit()
    if count:
        history_changed.send(current_app._get_current_object(), user_ids={user_id})
    return count


def _forget_ttl() -> int:
    # a session's state lives PLAYBACK_SESSION_TTL after its last report, an ended one an hour
    # (buffer.mark_ended): the mark outlives every state it hides
    return current_app.config["PLAYBACK_SESSION_TTL"] + 3600


def continue_watching(viewer: Viewer) -> list[dict]:
    """Items in progress (started, not completed), newest first, one per title; and for series
    whose latest watched episode is finished, the next episode ("next up")."""
    limit = current_app.config["CONTINUE_WATCHING_SIZE"]
    rows = list(db.session.scalars(
        select(WatchHistory).where(WatchHistory.user_id == viewer.user_id)
        .order_by(WatchHistory.last_watched_at.desc(), WatchHistory.id.desc()).limit(limit * 5)))
    latest: list[WatchHistory] = []
    seen: set[int] = set()
    for row in rows:
        if row.content_id not in seen:
            seen.add(row.content_id)
            latest.append(row)
    picks: list[tuple[str, WatchHistory, dict | None]] = []
    for row in latest:
        if not row.completed and row.position > 0:
            picks.append(("resume", row, None))
        elif row.completed and row.episode_id:
            following = catalog.next_episode(row.content_id, row.episode_id)
            if following is not None:
                picks.append(("next-up", row, following))
        if len(picks) >= limit:
            break
    entries = _entries([row for _, row, _ in picks], viewer)
    result = []
    for (kind, _, following), entry in zip(picks, entries):
        if entry["content"] is None:
            continue  # no longer visible to this viewer (draft again, above their maturity limit)
        if kind == "next-up":
            entry.update(episode=following, episode_id=following["id"], position=0.0, percent=0.0,
                         completed=False, duration=float((following["runtime_minutes"] or 0) * 60))
        entry["kind"] = kind
        result.append(entry)
    return result


def continue_watching_cards(viewer: Viewer) -> list[dict]:
    """Continue watching as home-page cards: the content card plus where to resume."""
    return [{**entry["content"], "episode": entry["episode"], "resume_position": entry["position"],
             "progress_percent": entry["percent"], "entry_kind": entry["kind"]}
            for entry in continue_watching(viewer)]
