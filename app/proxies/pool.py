"""The proxy pool: who is in it, how healthy each is (in Redis, shared by every process), and
which one an outbound call gets next."""
from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select

from app.platform import breaker
from app.core.addresses import literal_refusal
from app.core.breaker_state import BreakerState
from app.core.outage import best_effort
from app.platform.outbound import ProxyLease, proxy_breaker_name
from app.extensions import db, redis
from app.proxies import keys, strategies
from app.proxies.models import Proxy

log = logging.getLogger(__name__)

MEMBERS_TTL_SECONDS = 60  # other processes pick up API changes within this, env changes on restart
HEALTH_TTL_SECONDS = 7 * 24 * 3600
COUNTERS_TTL_SECONDS = 600


@dataclass(frozen=True)
class Member:
    id: str
    url: str
    weight: float = 1.0
    source: str = "api"  # "env" (PROXY_URLS) or "api" (database)
    label: str | None = None


def env_proxy_id(url: str) -> str:
    return "env-" + hashlib.sha1(url.encode()).hexdigest()[:10]


def allow_private() -> bool:
    """May a proxy be at a loopback or private address (``ALLOW_PRIVATE_PROXIES``)?"""
    return bool(current_app.config.get("ALLOW_PRIVATE_PROXIES", False))


def address_refusal(url: str) -> str | None:
    """What the spelling of this proxy's host says against it, without DNS (``app.core.addresses``):
    a name is judged by the address it resolves to when a connection opens."""
    host = urlsplit(url).hostname
    return literal_refusal(host, allow_private=allow_private()) if host else None


def _admissible(member: Member) -> bool:
    # The API refuses such proxies; this keeps out PROXY_URLS entries, rows added before it did
    # and private ones once ALLOW_PRIVATE_PROXIES is off.
    reason = address_refusal(member.url)
    if reason:
        log.warning("proxy %s left out of the pool: its host is a %s address", member.id, reason)
    return reason is None


def load_members() -> list[Member]:
    """Every proxy in the pool, PROXY_URLS first, then the database in insertion order
    (leaving out any whose host no connection may reach)."""
    cached = _cached_members()
    if cached is not None:
        return cached
    members = [Member(env_proxy_id(url), url, 1.0, "env") for url in current_app.config.get("PROXY_URLS", [])]
    seen = {m.url for m in members}
    for row in db.session.scalars(select(Proxy).order_by(Proxy.id)):
        if row.url not in seen:
            members.append(Member(str(row.id), row.url, row.weight, "api", row.label))
    members = [m for m in members if _admissible(m)]
    _cache_members(members)
    return members


@best_effort("proxy pool cache")
def _cached_members() -> list[Member] | None:
    cached = redis.get(keys.members())
    return [Member(**raw) for raw in json.loads(cached)] if cached is not None else None


@best_effort("proxy pool cache")
def _cache_members(members: list[Member]) -> None:
    redis.set(keys.members(), json.dumps([m.__dict__ for m in members]), ex=MEMBERS_TTL_SECONDS)


@best_effort("proxy pool cache")  # the members cache expires within MEMBERS_TTL_SECONDS anyway
def forget_members() -> None:
    redis.delete(keys.members(), keys.current())


@best_effort("proxy health", default=lambda ids: {proxy_id: {} for proxy_id in ids})  # shown as "unknown"
def read_health(ids: list[str]) -> dict[str, dict]:
    pipe = redis.client.pipeline(transaction=False)
    for proxy_id in ids:
        pipe.hgetall(keys.health(proxy_id))
    return dict(zip(ids, pipe.execute()))


def is_usable(health: dict, max_failures: int) -> bool:
    return int(health.get("failures", 0) or 0) < max_failures


def _latency(health: dict) -> float | None:
    value = health.get("latency_ms")
    return float(value) if value not in (None, "") else None


@dataclass(frozen=True)
class Outcome:
    id: str
    ok: bool
    latency_ms: float | None = None
    error: str | None = None


def fold(current: dict, outcome: Outcome, *, probe: bool, now: float, max_failures: int, backoff_base: float,
         backoff_max: float) -> dict:
    """The health hash after one outcome. A failure reaching ``max_failures`` benches the proxy
    with a doubling re-probe delay; one success clears it."""
    updated = dict(current)
    if probe:
        updated["last_checked_at"] = now
    if outcome.ok:
        updated.update(failures=0, bench_count=0, benched_until=0, last_ok_at=now, healthy=1)
        if outcome.latency_ms is not None:
            previous = _latency(current)
            # smooth request latencies, but let a probe speak for itself
            updated["latency_ms"] = round(outcome.latency_ms if probe or previous is None
                                          else previous * 0.7 + outcome.latency_ms * 0.3, 2)
        return updated
    failures = int(current.get("failures", 0) or 0) + 1
    updated.update(failures=failures, last_error=(outcome.error or "failed")[:300], last_failed_at=now,
                   total_failures=int(current.get("total_failures", 0) or 0) + 1)
    if failures >= max_failures:
        bench_count = int(current.get("bench_count", 0) or 0) + 1
        updated.update(healthy=0, bench_count=bench_count,
                       benched_until=now + strategies.backoff_seconds(bench_count, backoff_base, backoff_max))
    return updated


def record_results(outcomes: list[Outcome], *, probe: bool) -> list[dict]:
    """Fold outcomes into their proxies' health in one optimistic transaction (a probe of
    hundreds of proxies costs three round trips, not three per proxy); returns the new hashes."""
    if not outcomes:
        return []
    config = current_app.config
    health_keys = [keys.health(o.id) for o in outcomes]
    rules = {"max_failures": config.get("PROXY_MAX_FAILURES", 3),
             "backoff_base": config.get("PROXY_BACKOFF_BASE", 60.0),
             "backoff_max": config.get("PROXY_BACKOFF_MAX", 3600.0)}
    box: dict = {}

    def work(pipe):
        now = time.time()
        # the keys are already WATCHed on ``pipe``; reading them in one batch on another connection
        # keeps the guarantee (a write by anyone before EXEC still aborts and retries)
        reader = redis.client.pipeline(transaction=False)
        for health_key in health_keys:
            reader.hgetall(health_key)
        currents = reader.execute()
        updated = [fold(current, outcome, probe=probe, now=now, **rules)
                   for current, outcome in zip(currents, outcomes)]
        pipe.multi()
        for health_key, values in zip(health_keys, updated):
            pipe.hset(health_key, mapping=values)
            pipe.expire(health_key, HEALTH_TTL_SECONDS)
        box["updated"] = updated

    redis.client.transaction(work, *health_keys)
    benched = {o.id for o, values in zip(outcomes, box["updated"]) if int(values.get("healthy", 1)) == 0}
    if benched and redis.get(keys.current()) in benched:
        redis.delete(keys.current())
    return box["updated"]


def record_result(proxy_id: str, ok: bool, latency_ms: float | None, error: str | None, *, probe: bool) -> dict:
    return record_results([Outcome(proxy_id, ok, latency_ms, error)], probe=probe)[0]


def due_for_probe(health: dict, now: float, max_failures: int) -> bool:
    if is_usable(health, max_failures):
        return True
    return float(health.get("benched_until", 0) or 0) <= now


class RedisProxyPool:
    """The pool outbound calls use (registered with ``app.platform.outbound`` at start-up)."""

    def acquire(self, exclude: set[str]) -> ProxyLease | None:
        config = current_app.config
        members = [m for m in load_members() if m.id not in exclude]
        if not members:
            return None
        pipe = redis.client.pipeline(transaction=False)
        for member in members:
            pipe.hgetall(keys.health(member.id))
            pipe.hgetall(breaker.breaker_key(proxy_breaker_name(member.id)))
        pipe.hgetall(keys.connections())
        pipe.get(keys.current())
        replies = pipe.execute()
        in_flight, sticky = replies[-2], replies[-1]
        max_failures = config.get("PROXY_MAX_FAILURES", 3)
        usable = []
        for index, member in enumerate(members):
            health, breaker_raw = replies[2 * index], replies[2 * index + 1]
            if not is_usable(health, max_failures) or BreakerState.from_dict(breaker_raw).state == "open":
                continue
            usable.append((member, strategies.Candidate(member.id, member.weight, _latency(health),
                                                        int(in_flight.get(member.id, 0) or 0))))
        if not usable:
            return None
        by_id = {member.id: member for member, _ in usable}
        chosen_id = sticky if sticky in by_id else None
        if chosen_id is None:
            cursor = redis.incr(keys.cursor()) - 1
            redis.expire(keys.cursor(), COUNTERS_TTL_SECONDS)
            choice = strategies.choose(config.get("PROXY_STRATEGY", "round-robin"), [c for _, c in usable],
                                       cursor=cursor)
            chosen_id = choice.id
            interval_ms = config.get("PROXY_ROTATION_INTERVAL", 300_000)
            if interval_ms > 0:
                redis.set(keys.current(), chosen_id, px=interval_ms)
        counter = redis.client.pipeline(transaction=False)
        counter.hincrby(keys.connections(), chosen_id, 1)
        # a process killed mid-request never gives its lease back; idle counts fade with the key
        counter.expire(keys.connections(), COUNTERS_TTL_SECONDS)
        counter.execute()
        return ProxyLease(chosen_id, by_id[chosen_id].url, allow_private())

    def release(self, lease: ProxyLease, ok: bool, latency_ms: float | None, error: str | None) -> None:
        redis.hincrby(keys.connections(), lease.id, -1)
        record_result(lease.id, ok, latency_ms, error, probe=False)
