"""Selection strategies, pure."""
import pytest

from app.proxies import strategies as s

A, B, C = s.Candidate("a"), s.Candidate("b"), s.Candidate("c")


def test_round_robin_walks_the_candidates_in_order():
    assert [s.choose("round-robin", [A, B, C], cursor=i).id for i in range(5)] == ["a", "b", "c", "a", "b"]


def test_least_connections_prefers_idle_then_fast():
    busy, idle_slow, idle_fast = s.Candidate("busy", connections=3), s.Candidate("slow", latency_ms=300), \
        s.Candidate("fast", latency_ms=40)
    assert s.choose("least-connections", [busy, idle_slow, idle_fast]).id == "fast"
    assert s.choose("least-connections", [s.Candidate("x", connections=1), busy]).id == "x"


def test_weighted_follows_latency_when_no_weight_is_configured():
    fast, slow = s.Candidate("fast", latency_ms=50), s.Candidate("slow", latency_ms=200)
    assert s.effective_weight(fast) == pytest.approx(4 * s.effective_weight(slow))
    picks = [s.choose("weighted", [fast, slow], rng=lambda v=v: v).id for v in [i / 100 for i in range(100)]]
    assert picks.count("fast") == 80 and picks.count("slow") == 20


def test_configured_weight_wins_over_latency():
    heavy, light = s.Candidate("heavy", weight=9, latency_ms=500), s.Candidate("light", weight=0.5, latency_ms=10)
    picks = [s.choose("weighted", [heavy, light], rng=lambda v=v: v).id for v in [i / 100 for i in range(100)]]
    assert picks.count("heavy") > 90


def test_random_covers_every_candidate_and_empty_means_none():
    assert {s.choose("random", [A, B, C], rng=lambda v=v: v).id for v in (0.0, 0.4, 0.99)} == {"a", "b", "c"}
    for name in s.STRATEGIES:
        assert s.choose(name, []) is None
    with pytest.raises(ValueError):
        s.choose("fastest", [A])


def test_backoff_doubles_up_to_the_cap():
    assert [s.backoff_seconds(n, 30, 200) for n in (1, 2, 3, 4)] == [30, 60, 120, 200]

