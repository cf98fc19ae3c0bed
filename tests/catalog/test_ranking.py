"""The pure search helpers: tiers, tokens, engine query strings."""
from app.catalog import ranking


def test_tiers_in_order():
    assert ranking.title_tier("Interstellar", "interstellar") == ranking.TIER_EXACT
    assert ranking.title_tier("Interstellar Nights", "inter") == ranking.TIER_PREFIX
    assert ranking.title_tier("The Interpreter", "inter") == ranking.TIER_WORD_PREFIX
    assert ranking.title_tier("Winter", "inter") == ranking.TIER_TEXT


def test_tokens_drop_operators_and_control_characters():
    assert ranking.tokens('  Inter"stellar* NOT\x00 -x ') == ["inter", "stellar", "not", "x"]
    assert ranking.tokens("!!! ***") == []
    assert ranking.tokens("Amélie") == ["amélie"]
    assert len(ranking.tokens("a " * 50)) == ranking.MAX_TOKENS


def test_engine_queries_make_every_word_a_prefix():
    assert ranking.fts5_match(["inter", "night"]) == '"inter"* "night"*'
    assert ranking.pg_tsquery(["inter", "night"]) == "inter:* & night:*"


def test_like_patterns_escape_wildcards():
    patterns = ranking.like_patterns("100%_Sure")
    assert patterns == {"exact": "100%_sure", "prefix": "100\\%\\_sure%", "word_prefix": "% 100\\%\\_sure%"}
