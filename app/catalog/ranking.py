"""Search query handling and the ranking tiers (pure: no Flask, no database).

Results rank in tiers before text relevance: an exact title match, then titles starting with the
query, then titles with a word starting with it, then everything else the full-text engine found
ordered by its own score. The SQL in ``search.py`` uses ``like_patterns`` to express the same
tiers that ``title_tier`` computes here, so the rule lives in one place and is unit-tested.
"""
from __future__ import annotations

import re
import unicodedata

TIER_EXACT, TIER_PREFIX, TIER_WORD_PREFIX, TIER_TEXT = 0, 1, 2, 3
MAX_TOKENS = 8
MAX_TOKEN_LENGTH = 40
_WORD = re.compile(r"[^\W_]+")


def normalise(query: str) -> str:
    """Lower-case, control characters removed (PostgreSQL refuses NUL), whitespace collapsed."""
    visible = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in query)
    return " ".join(visible.lower().split())


def tokens(query: str) -> list[str]:
    """The words of a query, as the engines will match them (letters and digits only)."""
    return [word[:MAX_TOKEN_LENGTH] for word in _WORD.findall(normalise(query))][:MAX_TOKENS]


def fts5_match(words: list[str]) -> str:
    # Quoting each word keeps FTS5 operators typed by users (NOT, NEAR, ^, :) inert; * makes
    # every word a prefix so "inter" finds "Interstellar".
    return " ".join(f'"{word}"*' for word in words)


def pg_tsquery(words: list[str]) -> str:
    return " & ".join(f"{word}:*" for word in words)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def like_patterns(query: str) -> dict[str, str]:
    """Patterns (escape character ``\\``) for ``lower(title)``: exact, prefix, word prefix."""
    text = normalise(query)
    escaped = _like_escape(text)
    return {"exact": text, "prefix": f"{escaped}%", "word_prefix": f"% {escaped}%"}


def title_tier(title: str, query: str) -> int:
    text = normalise(query)
    lowered = " ".join(title.lower().split())
    if not text:
        return TIER_TEXT
    if lowered == text:
        return TIER_EXACT
    if lowered.startswith(text):
        return TIER_PREFIX
    if f" {text}" in lowered:  # the same test as LIKE '% text%'
        return TIER_WORD_PREFIX
    return TIER_TEXT
