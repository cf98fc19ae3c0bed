"""Media assets (the playable video of a movie or an episode) and their transcode jobs.

An asset points at its published rendition set (``published_prefix``); a job writes a new set
aside and the pointer moves in one commit, so players never see a half-written ladder. One
asset per playable item (``item_key``: ``c<content id>`` or ``e<episode id>``).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (JSON, BigInteger, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint,
                        func)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db

JOB_STATES = ("queued", "probing", "transcoding", "packaging", "ready", "failed", "cancelled")
ACTIVE_STATES = ("queued", "probing", "transcoding", "packaging")


def item_key(content_id: int, episode_id: int | None) -> str:
    return f"e{episode_id}" if episode_id else f"c{content_id}"


class MediaAsset(db.Model):
    __tablename__ = "media_assets"
    # ids are never reused (SQLite would reuse a deleted row's id): a URL signed for an asset that
    # was deleted must never open a later one
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_id: Mapped[int] = mapped_column(ForeignKey("content.id", ondelete="CASCADE"), nullable=False, index=True)
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"), nullable=True,
                                                   index=True)
    item_key: Mapped[str] = mapped_column(String(24), nullable=False, unique=True)
    source_key: Mapped[str | None] = mapped_column(String(300), nullable=True)
    source_name: Mapped[str | None] = mapped_column(String(255), nullable=True)  # shown to admins, never a path
    source_size: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    source_probe: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    published_prefix: Mapped[str | None] = mapped_column(String(300), nullable=True)
    renditions: Mapped[list | None] = mapped_column(JSON, nullable=True)
    duration: Mapped[float | None] = mapped_column(Float, nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now(),
                                                 onupdate=func.now())

    jobs: Mapped[list["TranscodeJob"]] = relationship(back_populates="asset", cascade="all, delete-orphan",
                                                      passive_deletes=True, order_by="TranscodeJob.id")


class TranscodeJob(db.Model):
    __tablename__ = "transcode_jobs"
    __table_args__ = (Index("ix_transcode_jobs_state", "state", "heartbeat_at"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("media_assets.id", ondelete="CASCADE"), nullable=False,
                                          index=True)
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="queued")
    source_key: Mapped[str] = mapped_column(String(300), nullable=False)
    progress: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    eta_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    speed: Mapped[float | None] = mapped_column(Float, nullable=True)
    rungs_live: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    error_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    error_tail: Mapped[str | None] = mapped_column(Text, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    lease: Mapped[str | None] = mapped_column(String(32), nullable=True)  # the run that holds the job
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # the chunked path: renditions, the source's shape and the chunks, fixed when the job is cut
    plan: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    first_playable_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    playable_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)

    asset: Mapped[MediaAsset] = relationship(back_populates="jobs")


class ResumableUpload(db.Model):
    """A tus upload: its bytes grow in a file of the upload spool (``MEDIA_UPLOAD_DIR``) until
    ``offset`` reaches ``length``; then it is attached to a title by id, once."""

    __tablename__ = "resumable_uploads"
    __table_args__ = (Index("ix_resumable_uploads_expires_at", "expires_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    length: Mapped[int] = mapped_column(BigInteger, nullable=False)
    offset: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    metadata_header: Mapped[str] = mapped_column(Text, nullable=False, default="")  # echoed to HEAD as sent
    upload_metadata: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    created_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    attached_job_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Subtitle(db.Model):
    """A subtitle track of an asset, stored as WebVTT (``media/<asset>/subs/<language>.vtt``)."""

    __tablename__ = "media_subtitles"
    __table_args__ = (UniqueConstraint("asset_id", "language", name="uq_media_subtitles_asset_language"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("media_assets.id", ondelete="CASCADE"), nullable=False,
                                          index=True)
    language: Mapped[str] = mapped_column(String(12), nullable=False)
    label: Mapped[str] = mapped_column(String(60), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())
