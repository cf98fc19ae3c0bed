"""Ranked full-text search by the database's own engine (FTS5 on SQLite, tsvector on PostgreSQL)."""
from __future__ import annotations

from sqlalchemy import case, column, func, literal_column, select, table, text

from app.catalog import ranking
from app.catalog.access import Viewer
from app.catalog.browse import apply_filters, catalog_version, page_of
from app.catalog.models import Content
from app.core.pagination import page_meta
from app.extensions import db

_fts = table("content_fts", column("rowid"))
_trigram_available: dict[str, bool] = {}


def _has_trigram() -> bool:
    url = str(db.engine.url)
    if url not in _trigram_available:
        _trigram_available[url] = bool(db.session.scalar(
            text("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'")))
    return _trigram_available[url]


def _tier_expression(query: str):
    patterns = ranking.like_patterns(query)
    title = func.lower(Content.title)
    return case(
        (title == patterns["exact"], ranking.TIER_EXACT),
        (title.like(patterns["prefix"], escape="\\"), ranking.TIER_PREFIX),
        (title.like(patterns["word_prefix"], escape="\\"), ranking.TIER_WORD_PREFIX),
        else_=ranking.TIER_TEXT,
    )


def _sqlite_statement(query: str, words: list[str]):
    # bm25 weights: title, synopsis, people, genres. Lower bm25 is better.
    score = literal_column("bm25(content_fts, 10.0, 1.0, 4.0, 3.0)")
    return (
        select(Content)
        .join(_fts, _fts.c.rowid == Content.id)
        .where(text("content_fts MATCH :match").bindparams(match=ranking.fts5_match(words)))
        .order_by(_tier_expression(query), score, Content.view_count.desc(), Content.id)
    )


def _postgres_statement(query: str, words: list[str]):
    vector = literal_column("content.search_vector")
    tsquery = func.to_tsquery("simple", ranking.pg_tsquery(words))
    # ts_rank, not ts_rank_cd: cover density costs twice as much and the title tiers already
    # decide the top of the list.
    return select(Content).where(vector.op("@@")(tsquery)).order_by(
        _tier_expression(query), func.ts_rank(vector, tsquery).desc(), Content.view_count.desc(), Content.id)


def _trigram_statement(query: str):
    """Typo tolerance ("interstelar" finds "Interstellar"), used when the words match nothing:
    a short query's trigrams hit so many titles that checking them on every search would cost
    more than the search itself."""
    normalised = ranking.normalise(query)
    title = func.lower(Content.title)
    return select(Content).where(title.op("%")(normalised)).order_by(
        func.similarity(title, normalised).desc(), Content.view_count.desc(), Content.id)


def search_content(args: dict, viewer: Viewer) -> tuple[list[dict], dict]:
    """A page of titles matching ``q`` (prefixes count), best first, with the list filters applied."""
    query = args["q"]
    words = ranking.tokens(query)
    if not words:
        return [], page_meta(args["page"], args["per_page"], 0)
    postgres = db.engine.dialect.name == "postgresql"
    version = catalog_version()

    def run(stmt, fuzzy: bool = False):
        return page_of(apply_filters(stmt, args, viewer, version=version),
                       lambda: apply_filters(stmt.with_only_columns(Content.id), args, viewer, True, version),
                       {**args, "q": " ".join(words), "fuzzy": fuzzy}, viewer, version)

    items, meta = run(_postgres_statement(query, words) if postgres else _sqlite_statement(query, words))
    if meta["total"] == 0 and postgres and _has_trigram():
        items, meta = run(_trigram_statement(query), fuzzy=True)
    return items, meta
