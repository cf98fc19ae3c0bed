"""Proxy selection strategies, pure: candidates and their measurements in, one choice out.

Every strategy takes the healthy candidates in a stable order and returns one of them or None.
State that must be shared between processes (the round-robin cursor, connection counts) is
passed in by the caller, who keeps it in Redis.
"""
from __future__ import annotations

import random as _random
from dataclasses import dataclass
from typing import Callable, Sequence

STRATEGIES = ("round-robin", "least-connections", "weighted", "random")


@dataclass(frozen=True)
class Candidate:
    id: str
    weight: float = 1.0  # configured weight; 0 or less means "use latency"
    latency_ms: float | None = None  # last measured, None when never probed
    connections: int = 0  # requests in flight through this proxy right now


def round_robin(candidates: Sequence[Candidate], cursor: int) -> Candidate | None:
    if not candidates:
        return None
    return candidates[cursor % len(candidates)]


def least_connections(candidates: Sequence[Candidate]) -> Candidate | None:
    if not candidates:
        return None
    # ties go to the faster proxy, then to the stable order, so the choice is deterministic
    return min(enumerate(candidates),
               key=lambda pair: (pair[1].connections, pair[1].latency_ms if pair[1].latency_ms is not None
                                 else float("inf"), pair[0]))[1]


def effective_weight(candidate: Candidate) -> float:
    """A configured weight wins; otherwise the inverse of latency, so a 50 ms proxy gets 4x a 200 ms one."""
    if candidate.weight and candidate.weight > 0 and candidate.weight != 1.0:
        return candidate.weight
    if candidate.latency_ms is not None:
        return 1000.0 / max(candidate.latency_ms, 1.0)
    return max(candidate.weight, 0.0) or 1.0


def weighted(candidates: Sequence[Candidate], rng: Callable[[], float] = _random.random) -> Candidate | None:
    if not candidates:
        return None
    weights = [effective_weight(c) for c in candidates]
    total = sum(weights)
    point = rng() * total
    for candidate, weight in zip(candidates, weights):
        point -= weight
        if point < 0:
            return candidate
    return candidates[-1]


def random_choice(candidates: Sequence[Candidate], rng: Callable[[], float] = _random.random) -> Candidate | None:
    if not candidates:
        return None
    return candidates[min(int(rng() * len(candidates)), len(candidates) - 1)]


def choose(strategy: str, candidates: Sequence[Candidate], *, cursor: int = 0,
           rng: Callable[[], float] = _random.random) -> Candidate | None:
    if strategy == "round-robin":
        return round_robin(candidates, cursor)
    if strategy == "least-connections":
        return least_connections(candidates)
    if strategy == "weighted":
        return weighted(candidates, rng)
    if strategy == "random":
        return random_choice(candidates, rng)
    raise ValueError(f"unknown proxy strategy {strategy!r}; use one of {', '.join(STRATEGIES)}")


def backoff_seconds(bench_count: int, base: float, cap: float) -> float:
    """How long a benched proxy waits before its next re-probe: doubling, capped."""
    return min(cap, base * (2 ** max(0, bench_count - 1)))
