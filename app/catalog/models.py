"""Catalog tables: content items (movie or series), seasons, episodes, genres and credits.

Search columns: ``search_people`` and ``search_genres`` are denormalised text kept in step by
the admin service, so the full-text index (FTS5 on SQLite, a generated tsvector on PostgreSQL,
both created in the migration) can cover cast and genres with triggers on one table only.
A later media domain attaches assets by ``content_id``/``episode_id``; nothing here assumes
playback comes only from third-party embeds.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (Column, Date, DateTime, Float, ForeignKey, Index, Integer, SmallInteger, String, Table, Text,
                        UniqueConstraint, func)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db

GENRE_SEPARATOR = "|"  # in search_genres; a separator for both full-text tokenisers

content_genres = Table(
    "content_genres",
    db.metadata,
    Column("content_id", ForeignKey("content.id", ondelete="CASCADE"), primary_key=True),
    Column("genre_id", ForeignKey("genres.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Genre(db.Model):
    __tablename__ = "genres"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True, nullable=False)
    slug: Mapped[str] = mapped_column(String(60), unique=True, nullable=False)


class Content(db.Model):
    __tablename__ = "content"
    __table_args__ = (
        Index("ix_content_status_kind", "status", "kind"),
        Index("ix_content_release_year", "release_year"),
        Index("ix_content_view_count", "view_count"),
        Index("ix_content_average_rating", "average_rating"),
        Index("ix_content_created_at", "created_at"),
        Index("ix_content_title", "title"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    slug: Mapped[str] = mapped_column(String(320), unique=True, nullable=False)
    synopsis: Mapped[str] = mapped_column(Text, nullable=False, default="")
    release_year: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    runtime_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    maturity_rating: Mapped[str] = mapped_column(String(8), nullable=False)
    maturity_level: Mapped[int] = mapped_column(SmallInteger, nullable=False, index=True)
    original_language: Mapped[str] = mapped_column(String(8), nullable=False, default="en", index=True)
    poster_url: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    backdrop_url: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    tmdb_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    imdb_id: Mapped[str | None] = mapped_column(String(16), nullable=True, index=True)
    tier_required: Mapped[str] = mapped_column(String(16), nullable=False, default="free", index=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="draft")
    view_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    average_rating: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    search_people: Mapped[str] = mapped_column(Text, nullable=False, default="")
    search_genres: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now(), onupdate=func.now()
    )

    genres: Mapped[list[Genre]] = relationship(secondary=content_genres, order_by=Genre.name)
    credits: Mapped[list["Credit"]] = relationship(
        back_populates="content", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Credit.position",
    )
    seasons: Mapped[list["Season"]] = relationship(
        back_populates="content", cascade="all, delete-orphan", passive_deletes=True, order_by="Season.number",
    )


class Credit(db.Model):
    """One person's part in a title: ``role`` is actor, director, writer, creator or producer."""

    __tablename__ = "credits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_id: Mapped[int] = mapped_column(ForeignKey("content.id", ondelete="CASCADE"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str] = mapped_column(String(40), nullable=False)
    character: Mapped[str | None] = mapped_column(String(200), nullable=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    content: Mapped[Content] = relationship(back_populates="credits")


class Season(db.Model):
    __tablename__ = "seasons"
    __table_args__ = (UniqueConstraint("content_id", "number", name="uq_seasons_content_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_id: Mapped[int] = mapped_column(ForeignKey("content.id", ondelete="CASCADE"), nullable=False, index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    synopsis: Mapped[str] = mapped_column(Text, nullable=False, default="")
    release_year: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    poster_url: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())

    content: Mapped[Content] = relationship(back_populates="seasons")
    episodes: Mapped[list["Episode"]] = relationship(
        back_populates="season", cascade="all, delete-orphan", passive_deletes=True, order_by="Episode.number",
    )


class Episode(db.Model):
    __tablename__ = "episodes"
    __table_args__ = (UniqueConstraint("season_id", "number", name="uq_episodes_season_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    season_id: Mapped[int] = mapped_column(ForeignKey("seasons.id", ondelete="CASCADE"), nullable=False, index=True)
    # Denormalised so history and "next up" find a series' episodes without walking seasons.
    content_id: Mapped[int] = mapped_column(ForeignKey("content.id", ondelete="CASCADE"), nullable=False, index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    synopsis: Mapped[str] = mapped_column(Text, nullable=False, default="")
    runtime_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    air_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    still_url: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    tmdb_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    imdb_id: Mapped[str | None] = mapped_column(String(16), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())

    season: Mapped[Season] = relationship(back_populates="episodes")


def include_object(object, name, type_, reflected, compare_to):
    """What Alembic compares with these models: not the full-text objects that
    0003_catalog_playback creates by hand (the FTS5 table and its shadow tables on SQLite, the
    tsvector column and search indexes on PostgreSQL)."""
    if type_ == "table" and name.startswith("content_fts"):
        return False
    if type_ == "column" and name == "search_vector":
        return False
    if type_ == "index" and name in ("ix_content_search_vector", "ix_content_title_trgm"):
        return False
    return True
