"""Folding request and probe outcomes into a proxy's health."""
from app.proxies.pool import Outcome, fold


def test_folding_outcomes_benches_at_the_limit_and_one_success_clears_it():
    rules = {"now": 1000.0, "max_failures": 2, "backoff_base": 30, "backoff_max": 600}
    once = fold({}, Outcome("p", False, error="refused"), probe=True, **rules)
    assert once["failures"] == 1 and "benched_until" not in once and once["last_error"] == "refused"
    twice = fold(once, Outcome("p", False, error="refused"), probe=True, **rules)
    assert twice["healthy"] == 0 and twice["benched_until"] == 1030
    again = fold(twice, Outcome("p", False), probe=True, **rules)
    assert again["benched_until"] == 1060  # back-off doubles
    back = fold(again, Outcome("p", True, latency_ms=42.0), probe=True, **rules)
    assert back["failures"] == 0 and back["healthy"] == 1 and back["latency_ms"] == 42.0
    smoothed = fold(back, Outcome("p", True, latency_ms=142.0), probe=False, **rules)
    assert smoothed["latency_ms"] == 72.0  # requests smooth the measured latency
