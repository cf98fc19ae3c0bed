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
    matches = vector.op("@@")(tsquery)
    score = func.ts_rank_cd(vector, tsquery)
    if _has_trigram():
        # typo tolerance: "interstelar" is close enough to "interstellar" by trigrams
        normalised = ranking.normalise(query)
        title = func.lower(Content.title)
        matches = matches | title.op("%")(normalised)
        score = score + func.similarity(title, normalised)
    return select(Content).where(matches).order_by(_tier_expression(query), score.desc(), Content.view_count.desc(),
                                                  Content.id)


def search_content(args: dict, viewer: Viewer) -> tuple[list[dict], dict]:
    """A page of titles matching ``q`` (prefixes count), best first, with the list filters applied."""
    query = args["q"]
    words = ranking.tokens(query)
    if not words:
        return [], page_meta(args["page"], args["per_page"], 0)
    build = _postgres_statement if db.engine.dialect.name == "postgresql" else _sqlite_statement
    stmt = build(query, words)
    version = catalog_version()
    return page_of(apply_filters(stmt, args, viewer, version=version),
                   lambda: apply_filters(stmt.with_only_columns(Content.id), args, viewer, True, version),
                   {**args, "q": " ".join(words)}, viewer, version)
