"""Demo viewers with some history, so continue watching and history have something to show."""
from __future__ import annotations

import uuid
from datetime import timedelta

import click

from app.auth import service as auth_service
from app.catalog import service as catalog
from app.core.timeutil import utcnow
from app.extensions import db
from app.playback.models import PlaybackSession, WatchHistory, item_key

DEMO_PASSWORD = "marquee-viewer"
VIEWERS = [
    ("viewer@marquee.local", "Sam Viewer", "free", {}),
    ("premium@marquee.local", "Priya Premium", "premium", {"language": "en", "subtitleLanguage": "es"}),
    ("family@marquee.local", "The Family", "family", {"maturityLimit": "PG", "autoplayNextEpisode": True}),
]
# (title, season, episode or None, fraction watched)
WATCHED = [("Interstellar", None, None, 0.4), ("Stranger Things", 1, 3, 1.0), ("The Office", 2, 5, 0.3),
           ("Toy Story", None, None, 1.0), ("Arcane", 1, 2, 0.6)]


def seed_viewers() -> int:
    """Create the demo viewers (password ``marquee-viewer``) and their history; no-op if present."""
    if auth_service.find_user_by_email(VIEWERS[0][0]) is not None:
        return 0
    now = utcnow()
    for index, (email, name, tier, preferences) in enumerate(VIEWERS):
        user = auth_service.create_user(email, DEMO_PASSWORD, name, tier=tier)
        auth_service.update_profile(user.id, {"preferences": preferences})
        for offset, (title, season, number, fraction) in enumerate(WATCHED[index:] + WATCHED[:index]):
            found = catalog.locate(title, season, number)
            if found is None or found[2] <= 0:
                continue
            content_id, episode_id, duration = found
            when = now - timedelta(hours=offset * 5 + index)
            completed = fraction >= 1.0
            position = 0.0 if completed else round(duration * fraction)
            db.session.add(PlaybackSession(
                id=uuid.uuid4().hex, user_id=user.id, content_id=content_id, episode_id=episode_id, device="web",
                state="ended", position=position, duration=duration, watched_seconds=duration * fraction,
                client_ts=int(when.timestamp() * 1000), completed=completed, started_at=when - timedelta(hours=1),
                last_report_at=when, ended_at=when))
            db.session.add(WatchHistory(
                user_id=user.id, content_id=content_id, episode_id=episode_id,
                item_key=item_key(content_id, episode_id),
                position=position, duration=duration, completed=completed, reported_ms=int(when.timestamp() * 1000),
                last_watched_at=when))
        db.session.commit()
    return len(VIEWERS)


def seed_demo() -> None:
    """`flask seed`'s demo-viewers step."""
    click.echo(f"Demo viewers: {seed_viewers()} created (password {DEMO_PASSWORD!r})")
