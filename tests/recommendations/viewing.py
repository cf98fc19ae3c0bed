"""Viewing written straight into playback's tables, so a test can place it in time."""
from __future__ import annotations

import uuid
from datetime import timedelta


def watch(app, user_id: int, content_id: int, hours_ago: float = 1.0, completed: bool = False,
          history: bool = True) -> None:
    """One playback session started ``hours_ago`` (and its history entry, as the flush writes it)."""
    from app.core.timeutil import utcnow
    from app.extensions import db
    from app.playback.models import PlaybackSession, WatchHistory, item_key

    with app.app_context():
        when = utcnow() - timedelta(hours=hours_ago)
        db.session.add(PlaybackSession(
            id=uuid.uuid4().hex, user_id=user_id, content_id=content_id, device="web", state="ended",
            position=6000.0 if completed else 600.0, duration=6000.0, watched_seconds=600.0, client_ts=0,
            completed=completed, started_at=when, last_report_at=when, ended_at=when))
        if history:
            key = item_key(content_id, None)
            entry = db.session.query(WatchHistory).filter_by(user_id=user_id, item_key=key).one_or_none()
            if entry is None:
                db.session.add(WatchHistory(user_id=user_id, content_id=content_id, item_key=key, position=600.0,
                                            duration=6000.0, completed=completed, reported_ms=0,
                                            last_watched_at=when))
        db.session.commit()
