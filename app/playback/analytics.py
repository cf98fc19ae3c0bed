"""Viewing analytics and the admin dashboard numbers, computed from playback sessions.

A "view" is a started session; watch time is the viewing the reports accounted for; the
completion rate is completed sessions over views.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from flask import current_app
from sqlalchemy import Integer, case, func, select

from app.catalog import service as catalog
from app.core.timeutil import utcnow
from app.errors import ValidationError
from app.extensions import db
from app.playback.models import PlaybackSession

MAX_RANGE_DAYS = 366


def _measures():
    return (
        func.count().label("views"),
        func.count(func.distinct(PlaybackSession.user_id)).label("unique_viewers"),
        func.coalesce(func.sum(PlaybackSession.watched_seconds), 0).label("watch_time"),
        func.coalesce(func.sum(case((PlaybackSession.completed, 1), else_=0).cast(Integer)), 0).label("completions"),
    )


def _figures(row) -> dict:
    views = int(row.views or 0)
    completions = int(row.completions or 0)
    return {"views": views, "uniqueViewers": int(row.unique_viewers or 0),
            "watchTimeSeconds": round(float(row.watch_time or 0), 1), "completions": completions,
            "completionRate": round(completions / views, 4) if views else 0.0}


def analytics(date_from: date | None, date_to: date | None, content_id: int | None = None) -> dict:
    """Views, unique viewers, watch time and completion rate: overall, per content, per day."""
    date_to = date_to or utcnow().date()
    date_from = date_from or date_to - timedelta(days=29)
    if (date_to - date_from).days >= MAX_RANGE_DAYS:
        raise ValidationError(f"The range may cover at most {MAX_RANGE_DAYS} days", field="from")
    start = datetime.combine(date_from, time.min, tzinfo=timezone.utc)
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=timezone.utc)
    where = [PlaybackSession.started_at >= start, PlaybackSession.started_at < end]
    if content_id is not None:
        where.append(PlaybackSession.content_id == content_id)
    totals = db.session.execute(select(*_measures()).where(*where)).one()
    by_content = db.session.execute(
        select(PlaybackSession.content_id, *_measures()).where(*where)
        .group_by(PlaybackSession.content_id).order_by(func.count().desc(), PlaybackSession.content_id).limit(100)
    ).all()
    cards = catalog.cards_by_id([row.content_id for row in by_content])
    day = func.date(PlaybackSession.started_at)
    by_day = db.session.execute(select(day.label("day"), *_measures()).where(*where).group_by(day).order_by(day)).all()
    return {
        "date_from": date_from, "date_to": date_to, "totals": _figures(totals),
        "per_content": [{"contentId": row.content_id, "title": (cards.get(row.content_id) or {}).get("title"),
                         **_figures(row)} for row in by_content],
        "per_day": [{"date": str(row.day)[:10], **_figures(row)} for row in by_day],
    }


def admin_stats() -> dict:
    """Users (total, active in 24 h / 7 d, by tier), content by kind and status, top content,
    sessions playing now. "Active" means started a playback session in the window."""
    from app.auth import service as auth_service

    now = utcnow()
    day, week = now - timedelta(days=1), now - timedelta(days=7)
    users = auth_service.user_counts(day, week)
    for label, since in (("active24h", day), ("active7d", week)):
        users[label] = db.session.scalar(
            select(func.count(func.distinct(PlaybackSession.user_id))).where(PlaybackSession.started_at >= since))
    idle = timedelta(seconds=current_app.config["PLAYBACK_IDLE_TIMEOUT"])
    sessions_now = db.session.scalar(select(func.count()).select_from(PlaybackSession).where(
        PlaybackSession.ended_at.is_(None), PlaybackSession.last_report_at >= now - idle))
    return {"users": users, "content": catalog.content_counts(), "top_content": catalog.top_content(10),
            "sessions_now": sessions_now}
