"""What viewing says about titles, aggregated in SQL for the recommendations domain.

A viewer counts once per title however many sessions they started on it: trending weighs each
viewer by how recently they last started it and whether they finished it; popularity counts the
distinct viewers a title's history holds.
"""
from __future__ import annotations

from datetime import datetime
from typing import Iterator

from sqlalchemy import Integer, case, func, select

from app.extensions import db
from app.playback.models import PlaybackSession, WatchHistory, item_key


def weighted_viewers(periods: list[tuple[datetime, float]], completion_weight: float,
                     limit: int) -> list[tuple[int, float]]:
    """``(content_id, score)`` best first. ``periods`` is ``(since, weight)``, newest first: a
    viewer's latest session start on a title falls in the first period whose ``since`` it is not
    before, and counts that period's weight, times ``1 + completion_weight`` when one of their
    sessions in the window completed it. Sessions before the last ``since`` are not counted."""
    if not periods:
        return []
    per_viewer = (
        select(PlaybackSession.content_id.label("content_id"),
               func.max(PlaybackSession.started_at).label("last_start"),
               func.max(case((PlaybackSession.completed, 1), else_=0).cast(Integer)).label("done"))
        .where(PlaybackSession.started_at >= periods[-1][0])
        .group_by(PlaybackSession.content_id, PlaybackSession.user_id)
        .subquery()
    )
    recency = case(*[(per_viewer.c.last_start >= since, weight) for since, weight in periods], else_=0.0)
    score = func.sum(recency * (1 + completion_weight * per_viewer.c.done)).label("score")
    rows = db.session.execute(
        select(per_viewer.c.content_id, score).group_by(per_viewer.c.content_id)
        .order_by(score.desc(), per_viewer.c.content_id).limit(limit))
    return [(int(content_id), float(value)) for content_id, value in rows]


def viewer_counts(min_viewers: int, limit: int) -> list[tuple[int, int]]:
    """``(content_id, distinct viewers)`` of titles with at least ``min_viewers``, most first."""
    viewers = func.count(func.distinct(WatchHistory.user_id)).label("viewers")
    rows = db.session.execute(
        select(WatchHistory.content_id, viewers).group_by(WatchHistory.content_id)
        .having(viewers >= min_viewers).order_by(viewers.desc(), WatchHistory.content_id).limit(limit))
    return [(int(content_id), int(count)) for content_id, count in rows]


def history_pairs(user_ids: list[int] | None = None,
                  batch: int = 50_000) -> Iterator[tuple[int, int, bool, datetime]]:
    """``(user_id, content_id, completed, last watched)`` per user and title in the history (a
    series' episodes folded into the title), streamed in batches; all users or those given."""
    stmt = select(WatchHistory.user_id, WatchHistory.content_id,
                  func.max(case((WatchHistory.completed, 1), else_=0).cast(Integer)),
                  func.max(WatchHistory.last_watched_at))
    if user_ids is not None:
        stmt = stmt.where(WatchHistory.user_id.in_(user_ids))
    rows = db.session.execute(stmt.group_by(WatchHistory.user_id, WatchHistory.content_id)
                              .execution_options(yield_per=batch))
    for user_id, content_id, completed, last in rows:
        yield int(user_id), int(content_id), bool(completed), last


def history_fingerprint() -> tuple[int, str]:
    """How many history rows there are and the latest watch: changes whenever history does."""
    count, latest = db.session.execute(select(func.count(), func.max(WatchHistory.last_watched_at))).one()
    return int(count), str(latest)


def titles_watched(user_id: int) -> set[int]:
    """Every title in a user's history, finished or started (a series by any episode)."""
    return set(db.session.scalars(select(WatchHistory.content_id).where(WatchHistory.user_id == user_id)
                                  .distinct()))


def import_history(entries: list[tuple[int, int, datetime]], batch: int = 2000) -> int:
    """Finished viewings for a data import, ``(user_id, content_id, when)`` (movies); an entry a
    user already has for the title is kept as it is. Returns how many were added."""
    from sqlalchemy.dialects import postgresql, sqlite

    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    added = 0
    for start in range(0, len(entries), batch):
        rows = [{"user_id": user_id, "content_id": content_id, "episode_id": None, "item_key": item_key(content_id, None),
                 "position": 0.0, "duration": 0.0, "completed": True, "reported_ms": int(when.timestamp() * 1000),
                 "last_watched_at": when} for user_id, content_id, when in entries[start:start + batch]]
        # RETURNING counts what was added on both databases (psycopg's rowcount is -1 here)
        added += len(db.session.execute(insert(WatchHistory).values(rows).on_conflict_do_nothing(
            index_elements=["user_id", "item_key"]).returning(WatchHistory.id)).all())
    db.session.commit()
    return added
