"""Playback: sessions, progress reports through the Redis buffer, the flush, idle endings.

Reports never touch the database; ``flush_progress`` (a worker, every PLAYBACK_FLUSH_INTERVAL)
writes each dirty session once per flush, with its history entry, in one transaction per batch.
History, continue watching and analytics live in ``history.py`` and ``analytics.py``.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Callable

from flask import current_app
from sqlalchemy import select

from app.catalog import service as catalog
from app.catalog.service import Viewer
from app.core.timeutil import now_ms, utcnow
from app.errors import AppError, NotFoundError
from app.extensions import db
from app.playback import buffer
from app.playback.analytics import admin_stats as _admin_stats
from app.playback.analytics import analytics  # noqa: F401
from app.playback.history import history_changed  # noqa: F401
from app.playback.history import continue_watching, continue_watching_cards, delete_history, list_history  # noqa: F401
from app.playback.models import PlaybackSession, WatchHistory, item_key
from app.playback.viewing import (history_fingerprint, history_pairs, import_history,  # noqa: F401
                                  titles_watched, viewer_counts, weighted_viewers)
from app.playback.progress import Resume, ResumeRules, clamp, percent, resume


viewer_for = catalog.viewer_for  # who is asking, with the tier and maturity limit the checks need


def add_home_rows(app) -> None:
    """Continue watching leads a signed-in viewer's home page."""
    catalog.register_home_row(app, "continue-watching", "Continue watching", continue_watching_cards)


def register_admin_stats(app, key: str, figures: Callable[[], dict | None]) -> None:
    """A section another domain adds to ``GET /api/v1/admin/stats`` (recommendations: the model)."""
    app.extensions.setdefault("playback.admin_stats", {})[key] = figures


def admin_stats() -> dict:
    """The dashboard figures, with the sections other domains registered."""
    stats = _admin_stats()
    for key, figures in current_app.extensions.get("playback.admin_stats", {}).items():
        stats[key] = figures()
    return stats


def register_stream_source(app, source: Callable[[int, int | None], dict | None]) -> None:
    """The domain that holds uploaded video (media) gives sessions the title's signed stream:
    ``source(content_id, episode_id)`` returns it, or ``None`` when the title has none."""
    app.extensions["playback.stream_source"] = source


def _stream(content_id: int, episode_id: int | None) -> dict | None:
    source = current_app.extensions.get("playback.stream_source")
    if source is None:
        return None
    try:
        return source(content_id, episode_id)
    except AppError:  # an upload still being transcoded: the session plays from the sources
        return None


def resume_position(user_id: int, content_id: int, episode_id: int | None, duration: float) -> float:
    """Where the viewer should resume the item (0 when finished or never started)."""
    return _resume_point(user_id, item_key(content_id, episode_id), duration)


def _rules() -> ResumeRules:
    return ResumeRules.from_config(current_app.config)


def _from_ms(value: str | int | None) -> datetime:
    return datetime.fromtimestamp(int(float(value or 0)) / 1000, tz=timezone.utc)


def _reported_ms(state: dict) -> int:
    return int(float(state.get("reported_ms") or 0))


def _resume_point(user_id: int, key: str, duration: float) -> float:
    """Where a new session starts: the unflushed state of the last session when there is one,
    else the history entry."""
    previous = buffer.active_session(user_id, key)
    state = buffer.read(previous) if previous else {}
    if state and _reported_ms(state) <= buffer.forgotten_until({(user_id, key)})[(user_id, key)]:
        state = {}  # reported before the history entry was deleted: forgotten with it
    if state:
        return resume(float(state.get("position") or 0), duration, _rules()).position
    entry = db.session.execute(
        select(WatchHistory.position, WatchHistory.completed)
        .where(WatchHistory.user_id == user_id, WatchHistory.item_key == key)
    ).one_or_none()
    return 0.0 if entry is None or entry.completed else float(entry.position)


def start_session(viewer: Viewer, content_id: int, episode_id: int | None = None, device: str | None = None,
                  duration: float | None = None, with_sources: bool = True) -> dict:
    """Open a session after the access checks; returns its id, resume position and sources."""
    target = catalog.playback_target(content_id, episode_id, viewer)
    stream = _stream(target["content_id"], target["episode_id"])
    length = float(target["duration"] or (stream or {}).get("duration") or duration or 0)
    key = item_key(target["content_id"], target["episode_id"])
    resume_at = _resume_point(viewer.user_id, key, length)
    now = utcnow()
    session = PlaybackSession(id=uuid.uuid4().hex, user_id=viewer.user_id, content_id=target["content_id"],
                              episode_id=target["episode_id"], device=device, state="playing", position=resume_at,
                              duration=length, started_at=now, last_report_at=now)
    db.session.add(session)
    db.session.commit()
    buffer.open_session({
        "sid": session.id, "user_id": viewer.user_id, "content_id": session.content_id,
        "episode_id": session.episode_id, "item_key": key, "duration": length, "position": resume_at,
        "state": "playing", "client_ts": 0, "reported_ms": now_ms(), "watched": 0, "ended": "0",
    }, current_app.config["PLAYBACK_SESSION_TTL"])
    sources = []
    if with_sources:
        sources = catalog.embeds_for(target["content"], target["season_number"], target["episode_number"])
    return {"session_id": session.id, "content_id": session.content_id, "episode_id": session.episode_id,
            "season_number": target["season_number"], "episode_number": target["episode_number"],
            "resume_position": resume_at, "duration": length, "sources": sources, "stream": stream,
            "started_at": now}


def _report(user_id: int, session_id: str, position: float, state: str, client_ts: int | None, end: bool) -> dict:
    received = now_ms()
    outcome, stored, duration, ended = buffer.report(session_id, user_id, position, state, client_ts or received,
                                                     received, current_app.config["PLAYBACK_SESSION_TTL"], end=end)
    if outcome == buffer.UNKNOWN:
        raise NotFoundError("The playback session was not found (or has expired)")
    if outcome == buffer.ENDED:
        raise AppError("The playback session has ended", code="SESSION_ENDED", status=409)
    result: Resume = resume(stored, duration, _rules())
    return {"session_id": session_id, "applied": outcome == buffer.APPLIED, "position": stored,
            "duration": duration, "percent": percent(stored, duration), "completed": result.completed,
            "resume_position": result.position, "ended": ended}


def report_progress(user_id: int, session_id: str, position: float, state: str,
                    client_ts: int | None = None) -> dict:
    """Buffer a progress report. Late reports (older client timestamp) are acknowledged, not applied."""
    return _report(user_id, session_id, position, state, client_ts, end=False)


def end_session(user_id: int, session_id: str, position: float, client_ts: int | None = None) -> dict:
    """End a session at ``position``; later reports to it are refused with SESSION_ENDED."""
    return _report(user_id, session_id, position, "ended", client_ts, end=True)


def progress_for_item(viewer: Viewer, content_id: int, episode_id: int | None, position: float,
                      client_ts: int | None = None) -> dict:
    """The gateway's report shape (no session id): the user's open session on the item, or a new one."""
    key = item_key(content_id, episode_id)
    session_id = buffer.active_session(viewer.user_id, key)
    state = buffer.read(session_id) if session_id else {}
    if not state or state.get("ended") == "1":
        session_id = start_session(viewer, content_id, episode_id, with_sources=False)["session_id"]
    return report_progress(viewer.user_id, session_id, position, "playing", client_ts)


# ---- the flush (worker side) -----------------------------------------------------------

def _write_states(states: list[dict]) -> tuple[int, list[int], set[int]]:
    """Write a batch of buffered states in one transaction: per session one row update and its
    history entry. Returns (sessions written, content ids completed in this batch, users whose
    history gained a title or a completion)."""
    rows = {row.id: row for row in db.session.scalars(
        select(PlaybackSession).where(PlaybackSession.id.in_([s["sid"] for s in states])))}
    live = [s for s in states if s["sid"] in rows]
    users = {rows[s["sid"]].user_id for s in live}
    items = {s["item_key"] for s in live}
    history = {(h.user_id, h.item_key): h for h in db.session.scalars(
        select(WatchHistory).where(WatchHistory.user_id.in_(users), WatchHistory.item_key.in_(items)))} if live else {}
    forgotten = buffer.forgotten_until({(rows[s["sid"]].user_id, s["item_key"]) for s in live})
    rules, completed, written, changed = _rules(), [], 0, set()
    for state in live:
        row = rows[state["sid"]]
        client_ts = int(float(state.get("client_ts") or 0))
        ended = state.get("ended") == "1"
        if client_ts < row.client_ts and not (ended and row.ended_at is None):
            continue
        position = clamp(float(state.get("position") or 0), row.duration)
        reported = _from_ms(state.get("reported_ms"))
        row.position, row.client_ts, row.last_report_at = position, max(client_ts, row.client_ts), reported
        row.state = "ended" if ended else (state.get("state") or row.state)
        row.watched_seconds = max(row.watched_seconds, float(state.get("watched") or 0))
        if ended and row.ended_at is None:
            row.ended_at = reported
        outcome = resume(position, row.duration, rules)
        if outcome.completed and not row.completed:
            row.completed = True  # once per session, however many reports cross the line
            catalog.count_completion(row.content_id)
            completed.append(row.content_id)
        written += 1
        key = (row.user_id, state["item_key"])
        reported_ms = _reported_ms(state)
        if reported_ms <= forgotten[key]:
            continue  # the user deleted this viewing from their history after this report
        entry = history.get(key)
        if entry is None:
            entry = WatchHistory(user_id=row.user_id, content_id=row.content_id, episode_id=row.episode_id,
                                 item_key=state["item_key"], reported_ms=-1)
            db.session.add(entry)
            history[key] = entry
            changed.add(row.user_id)
        if reported_ms >= entry.reported_ms:  # an older session's state never overwrites a newer viewing
            if outcome.completed != entry.completed:
                changed.add(row.user_id)
            entry.position, entry.duration, entry.completed = outcome.position, row.duration, outcome.completed
            entry.reported_ms, entry.last_watched_at = reported_ms, reported
    db.session.commit()
    return written, completed, changed


def _flush_locked() -> dict:
    session_ids = buffer.take_dirty()
    batch = current_app.config["PLAYBACK_FLUSH_BATCH"]
    written = 0
    for start in range(0, len(session_ids), batch):
        states = buffer.read_many(session_ids[start:start + batch])
        count, completed, changed = _write_states(states)
        written += count
        catalog.record_trending(completed)
        if changed:
            history_changed.send(current_app._get_current_object(), user_ids=changed)
    buffer.finish_flush()
    return {"sessions": len(session_ids), "written": written}


def flush_progress() -> dict:
    """Write buffered progress to the database (one write per dirty session). Safe to run
    concurrently: a second flush waits for nothing and returns ``skipped``."""
    token = uuid.uuid4().hex
    if not buffer.acquire_flush_lock(token):
        return {"skipped": True, "sessions": 0, "written": 0}
    try:
        return _flush_locked()
    finally:
        buffer.release_flush_lock(token)


def end_idle_sessions() -> dict:
    """End sessions without a report for PLAYBACK_IDLE_TIMEOUT seconds (after a flush)."""
    token = uuid.uuid4().hex
    if not buffer.acquire_flush_lock(token):
        return {"skipped": True, "ended": 0}
    try:
        _flush_locked()
        cutoff = utcnow() - timedelta(seconds=current_app.config["PLAYBACK_IDLE_TIMEOUT"])
        rows = list(db.session.scalars(select(PlaybackSession).where(
            PlaybackSession.ended_at.is_(None), PlaybackSession.last_report_at < cutoff).limit(5000)))
        ended = []
        for row in rows:
            state = buffer.read(row.id)
            if state and _from_ms(state.get("reported_ms")) >= cutoff:
                continue  # reported since the flush read it; it is not idle
            row.ended_at, row.state = utcnow(), "ended"
            ended.append(row.id)
        db.session.commit()
        buffer.mark_ended(ended)
        return {"ended": len(ended)}
    finally:
        buffer.release_flush_lock(token)
