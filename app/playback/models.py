"""Playback sessions and watch history.

History keeps one row per user and watched item (a movie, or one episode of a series), keyed by
``item_key`` because a unique constraint over a nullable ``episode_id`` would not hold on every
database. Rows cascade with their user, content and episode, so deleting a title never leaves a
history entry pointing at nothing.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


def item_key(content_id: int, episode_id: int | None) -> str:
    return f"e{episode_id}" if episode_id else f"c{content_id}"


class PlaybackSession(db.Model):
    __tablename__ = "playback_sessions"
    __table_args__ = (
        Index("ix_playback_sessions_open", "ended_at", "last_report_at"),
        Index("ix_playback_sessions_started", "started_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    content_id: Mapped[int] = mapped_column(ForeignKey("content.id", ondelete="CASCADE"), nullable=False, index=True)
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"), nullable=True)
    device: Mapped[str | None] = mapped_column(String(100), nullable=True)
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="playing")
    position: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    duration: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    watched_seconds: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    client_ts: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    completed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    last_report_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class WatchHistory(db.Model):
    __tablename__ = "watch_history"
    __table_args__ = (
        UniqueConstraint("user_id", "item_key", name="uq_watch_history_user_item"),
        Index("ix_watch_history_user_recent", "user_id", "last_watched_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    content_id: Mapped[int] = mapped_column(ForeignKey("content.id", ondelete="CASCADE"), nullable=False, index=True)
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"), nullable=True,
                                                   index=True)
    item_key: Mapped[str] = mapped_column(String(24), nullable=False)
    position: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    duration: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    completed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Server time (epoch ms) of the report this entry reflects. Client clocks order reports within a
    # session; across sessions (and devices with different clocks) the server's order decides.
    reported_ms: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    last_watched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
