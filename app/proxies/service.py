"""Proxies: the pool as operators see it, adding and removing, probing."""
from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select

from app.core.addresses import as_ip, describe_refusal, host_refusal, literal_refusal, normalise_host
from app.core.outage import best_effort
from app.core.timeutil import utcnow
from app.errors import ConflictError, NotFoundError, ValidationError
from app.extensions import db, redis
from app.proxies import keys, pool
from app.proxies.models import Proxy
from app.proxies.probe import probe_all
from app.proxies.schemas import PROXY_URL_PATTERN

SCHEMES = ("http", "https", "socks5", "socks5h")
_PATTERN = re.compile(PROXY_URL_PATTERN[1:-1])  # the document's pattern, whole-matched (no ^/$ subtleties)


def normalise_url(raw: str) -> str:
    """A proxy URL in one canonical spelling, or ``ValidationError`` naming ``url``.

    The URL is held to the document's pattern (``PROXY_URL_PATTERN``) as sent, so what a client
    generated from the document may send and what the server takes are the same set.
    """
    raw = raw or ""
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise ValidationError(f"Not a valid proxy URL: {exc}", field="url") from exc
    if parts.scheme.lower() not in SCHEMES:
        raise ValidationError("A proxy URL must start with http://, https:// or socks5://", field="url")
    if not parts.hostname or port is None:
        raise ValidationError("A proxy URL needs a host and a port, e.g. http://10.0.0.5:3128", field="url")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValidationError("A proxy URL has no path, query or fragment", field="url")
    refused = literal_refusal(parts.hostname, allow_private=True)  # named, whatever the spelling
    if refused:
        raise ValidationError(f"A proxy cannot be there: {describe_refusal(parts.hostname, refused)}", field="url")
    if not _PATTERN.fullmatch(raw):
        raise ValidationError("A proxy URL's host is a dotted IPv4 address, an IPv6 address in brackets or an "
                              "ASCII name (punycode for IDN) of at most 253 characters, and its port 1 to 65535 "
                              "without leading zeros", field="url")
    if ":" in parts.hostname and as_ip(parts.hostname) is None:
        raise ValidationError(f"{parts.hostname} is not a valid IPv6 address", field="url")
    host = normalise_host(parts.hostname)
    host = host if ":" not in host else f"[{host}]"
    credentials = parts.netloc.rpartition("@")[0]
    return f"{parts.scheme.lower()}://{credentials + '@' if credentials else ''}{host}:{port}"


def check_address(url: str) -> None:
    """Refuse a proxy whose host is (or resolves to) an address no connection may reach, or a
    name that does not resolve: the outbound client's rule for targets, with loopback and
    private addresses (and names that resolve nowhere yet) allowed by ``ALLOW_PRIVATE_PROXIES``."""
    parts = urlsplit(url)
    reason = host_refusal(parts.hostname, parts.port, allow_private=pool.allow_private())
    if reason:
        raise ValidationError(f"A proxy cannot be there: {describe_refusal(parts.hostname, reason)}", field="url")


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None and parts.username is None:
        return url
    return url.replace(parts.netloc.rpartition("@")[0] + "@", f"{parts.username or ''}:***@", 1)


def _view(member: pool.Member, health: dict) -> dict:
    max_failures = current_app.config.get("PROXY_MAX_FAILURES", 3)
    checked = health.get("last_checked_at")
    benched_until = float(health.get("benched_until", 0) or 0)
    failures = int(health.get("failures", 0) or 0)
    if not health:
        status = "unknown"
    elif not pool.is_usable(health, max_failures):
        status = "benched"
    else:
        status = "failing" if failures else "healthy"  # failing proxies stay in rotation until benched
    return {
        "id": member.id, "url": _redact(member.url), "source": member.source, "label": member.label,
        "weight": member.weight, "status": status, "healthy": status != "benched",
        "latency_ms": float(health["latency_ms"]) if health.get("latency_ms") else None,
        "failures": failures, "total_failures": int(health.get("total_failures", 0) or 0),
        "last_error": health.get("last_error"),
        "last_checked_at": int(float(checked) * 1000) if checked else None,
        "benched_until": int(benched_until * 1000) if benched_until and status == "benched" else None,
    }


def list_proxies() -> list[dict]:
    """Every proxy in the pool with its health, latency, failures and last error."""
    members = pool.load_members()
    health = pool.read_health([m.id for m in members])
    return [_view(m, health[m.id]) for m in members]


def _member(proxy_id: str) -> pool.Member:
    for member in pool.load_members():
        if member.id == proxy_id:
            return member
    raise NotFoundError(f"No proxy with id {proxy_id!r}", code="PROXY_NOT_FOUND")


def get_proxy(proxy_id: str) -> dict:
    member = _member(proxy_id)
    return _view(member, pool.read_health([member.id])[member.id])


def add_proxy(url: str, weight: float = 1.0, label: str | None = None) -> dict:
    """Add a proxy; ``ConflictError`` when the same URL is already in the pool."""
    url = normalise_url(url)
    check_address(url)
    if any(m.url == url for m in pool.load_members()) or db.session.scalar(select(Proxy.id).where(Proxy.url == url)):
        raise ConflictError("This proxy is already in the pool", details={"fields": {"url": ["already in the pool"]}})
    row = Proxy(url=url, weight=weight, label=label)
    db.session.add(row)
    db.session.commit()
    pool.forget_members()
    return get_proxy(str(row.id))


def delete_proxy(proxy_id: str) -> None:
    member = _member(proxy_id)
    if member.source == "env":
        raise ConflictError("This proxy comes from PROXY_URLS; remove it there", code="PROXY_FROM_SETTINGS")
    row = db.session.get(Proxy, int(member.id))
    if row is not None:
        db.session.delete(row)
        db.session.commit()
    pool.forget_members()
    _forget_health(member.id)


@best_effort("proxy health")  # the row is gone; its health hash expires by itself
def _forget_health(proxy_id: str) -> None:
    redis.delete(keys.health(proxy_id))
    redis.hdel(keys.connections(), proxy_id)


def probe(proxy_ids: list[str] | None = None, *, due_only: bool = False) -> dict:
    """Probe the given proxies (all when None) concurrently and record each result.

    ``due_only`` skips benched proxies whose back-off has not elapsed (the beat schedule's mode).
    """
    config = current_app.config
    members = pool.load_members()
    if proxy_ids is not None:
        wanted = set(proxy_ids)
        members = [m for m in members if m.id in wanted]
    if due_only:
        health = pool.read_health([m.id for m in members])
        now, max_failures = time.time(), config.get("PROXY_MAX_FAILURES", 3)
        members = [m for m in members if pool.due_for_probe(health[m.id], now, max_failures)]
    started = time.perf_counter()
    results = probe_all([(m.id, m.url) for m in members], config["PROXY_PROBE_URL"], config["PROXY_PROBE_TIMEOUT"],
                        allow_private=pool.allow_private())
    pool.record_results([pool.Outcome(r.id, r.ok, r.latency_ms, r.error) for r in results], probe=True)
    alive_db_ids = [int(r.id) for r in results if r.ok and r.id.isdigit()]
    if alive_db_ids:
        for row in db.session.scalars(select(Proxy).where(Proxy.id.in_(alive_db_ids))):
            row.last_ok_at = utcnow()
        db.session.commit()
    return {"probed": len(results), "healthy": sum(r.ok for r in results),
            "seconds": round(time.perf_counter() - started, 3)}


def check_proxy(proxy_id: str) -> dict:
    """Probe one proxy now (bounded by PROXY_PROBE_TIMEOUT) and return it with its new health."""
    member = _member(proxy_id)
    probe([member.id])
    return get_proxy(member.id)


def enqueue_probe() -> str:
    celery = current_app.extensions["celery"]
    # nobody waits for the result: subscribing to it would cost a pub/sub channel per request
    return celery.send_task("workers.proxies.probe_proxies", kwargs={"due_only": False}, queue="probes",
                            ignore_result=True).id
