"""Provider lookups and embeds: the interface other domains (rooms, catalog) call.

Stable public functions: ``list_providers(include_disabled=False)``, ``get_provider(id)``,
``is_enabled(id)``, ``build_embed(id, media_id, media_type, season, episode)``; for a caller,
``embed_for(identity, ...)`` and ``best_provider(identity, ...)`` also run the entitlement gate
that the catalog registers (``register_media_gate``). The merged
catalog (built-ins, their environment overrides, custom providers from the database) is
cached in Redis briefly and dropped on every admin change, so every process agrees.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Callable

from flask import current_app
from sqlalchemy import select

from app.core.identity import Identity
from app.core.outage import best_effort
from app.core.timeutil import now_ms
from app.errors import AppError, ConflictError, NotFoundError, ValidationError
from app.extensions import db, redis
from app.platform.outbound import check_target
from app.providers import health, keys, registry
from app.providers.models import CustomProvider
from app.providers.registry import InvalidMediaRequest, Provider

CATALOG_TTL_SECONDS = 60
CHECK_PENDING_SECONDS = 60
_FIELDS = [f.name for f in dataclasses.fields(Provider)]


def _settings_fingerprint() -> str:
    config = current_app.config
    raw = json.dumps([config.get("PROVIDER_OVERRIDES", {}), config.get("PROVIDER_BUILTIN_HEALTH_URL")],
                     sort_keys=True, default=str)
    return hashlib.sha1(raw.encode()).hexdigest()[:8]


def _build_catalog() -> list[Provider]:
    config = current_app.config
    overrides = config.get("PROVIDER_OVERRIDES", {})
    forced_health = config.get("PROVIDER_BUILTIN_HEALTH_URL")
    providers = []
    for builtin in registry.BUILTIN_PROVIDERS:
        if forced_health:
            builtin = dataclasses.replace(builtin, health_url=forced_health)
        providers.append(registry.with_env_overrides(builtin, overrides.get(builtin.id, {})))
    for row in db.session.scalars(select(CustomProvider)):
        providers.append(Provider(row.id, row.name, row.base_url, row.movie_template, row.tv_template,
                                  row.health_url or row.base_url, row.enabled, row.priority, builtin=False))
    return providers


def _catalog() -> list[Provider]:
    cache_key = keys.catalog(_settings_fingerprint())
    cached = _cache_get(cache_key)
    if cached is not None:
        return [Provider(**raw) for raw in json.loads(cached)]
    providers = _build_catalog()
    _cache_set(cache_key, json.dumps([dataclasses.asdict(p) for p in providers]), CATALOG_TTL_SECONDS)
    return providers


@best_effort("provider cache")
def _cache_get(cache_key: str) -> str | None:
    return redis.get(cache_key)


@best_effort("provider cache")
def _cache_set(cache_key: str, value: str, ttl: int) -> None:
    redis.set(cache_key, value, ex=ttl)


@best_effort("provider cache")  # after the commit; the catalog cache lives CATALOG_TTL_SECONDS at most
def _forget(provider_id: str) -> None:
    stale = list(redis.scan_iter(keys.catalog_pattern(), count=100))
    stale += list(redis.scan_iter(keys.embed_pattern(provider_id), count=1000))
    if stale:
        redis.delete(*stale)


def list_providers(include_disabled: bool = False) -> list[Provider]:
    """Every provider (built-in, then custom), ordered by priority."""
    providers = _catalog()
    if not include_disabled:
        providers = [p for p in providers if p.enabled]
    return sorted(providers, key=lambda p: (p.priority, p.id))


def get_provider(provider_id: str) -> Provider:
    for provider in _catalog():
        if provider.id == provider_id:
            return provider
    raise NotFoundError(f"Unknown provider {provider_id!r}", code="PROVIDER_NOT_FOUND")


def is_enabled(provider_id: str) -> bool:
    return any(p.id == provider_id for p in list_providers())


def _embed(provider: Provider, media_id: str, media_type: str, season: int | None, episode: int | None) -> dict:
    try:
        url = registry.embed_url(provider, media_id, media_type, season, episode)
    except InvalidMediaRequest as exc:
        raise ValidationError(str(exc), field=exc.field) from exc
    config = current_app.config
    return {
        "providerId": provider.id, "name": provider.name, "mediaId": media_id, "type": media_type,
        "season": season, "episode": episode, "embedUrl": url,
        "iframe": registry.iframe_html(url, f"{provider.name} player", config.get("EMBED_IFRAME_SANDBOX"),
                                       config.get("EMBED_IFRAME_ALLOW")),
    }


def build_embed(provider_id: str, media_id: str, media_type: str = "movie", season: int | None = None,
                episode: int | None = None) -> dict:
    """``{providerId, name, mediaId, type, season, episode, embedUrl, iframe}`` for an enabled provider.

    Cached in Redis for PROVIDER_CACHE_TTL under the provider's fingerprint, so an edit is never
    answered from the cache."""
    provider = get_provider(provider_id)
    if not provider.enabled:
        raise NotFoundError(f"Provider {provider_id!r} is disabled", code="PROVIDER_NOT_FOUND")
    if media_type != "tv":
        season = episode = None
    try:
        registry.validate_media_request(media_id, media_type, season, episode)
    except InvalidMediaRequest as exc:
        raise ValidationError(str(exc), field=exc.field) from exc
    cache_key = keys.embed(provider.id, registry.fingerprint(provider), media_type, media_id, season, episode)
    cached = _cache_get(cache_key)
    if cached is not None:
        return json.loads(cached)
    embed = _embed(provider, media_id, media_type, season, episode)
    _cache_set(cache_key, json.dumps(embed), current_app.config["PROVIDER_CACHE_TTL"])
    return embed


def register_media_gate(app, gate: Callable[[Identity | None, str, str], None]) -> None:
    """The entitlement check a domain that owns titles (the catalog) puts in front of every embed
    asked for by a caller: ``gate(identity, media_type, media_id)`` raises to refuse. Providers
    know nothing of titles; without a gate every media id passes."""
    app.extensions["providers.media_gate"] = gate


def _check_media(identity: Identity | None, media_id: str, media_type: str) -> None:
    gate = current_app.extensions.get("providers.media_gate")
    if gate is not None:
        gate(identity, "tv" if media_type == "tv" else "movie", media_id)


def embed_for(identity: Identity | None, provider_id: str, media_id: str, media_type: str = "movie",
              season: int | None = None, episode: int | None = None) -> dict:
    """A caller's embed: the entitlement check for the title the media id names, then the embed."""
    get_provider(provider_id)  # an unknown provider is a 404 before anything is said about the title
    _check_media(identity, media_id, media_type)
    return build_embed(provider_id, media_id, media_type, season, episode)


# ---- admin: custom providers -------------------------------------------------------------

def _address_problems(values: dict) -> list[tuple[str, str]]:
    """The server calls baseUrl (or healthUrl) for health checks: an admin may not store one it
    will never call (``app.core.addresses``, under ``ALLOW_PRIVATE_TARGETS``)."""
    problems = []
    for name, field in (("base_url", "baseUrl"), ("health_url", "healthUrl")):
        if values.get(name):
            try:
                check_target(values[name], field=field, storing=True)
            except ValidationError as exc:
                problems.append((field, exc.message))
    return problems


def _validate(values: dict) -> None:
    problems = registry.validate_definition(values["base_url"], values["movie_template"], values["tv_template"],
                                            values.get("health_url"))
    malformed = {field for field, _ in problems}
    problems += [problem for problem in _address_problems(values) if problem[0] not in malformed]
    if problems:
        fields: dict[str, list[str]] = {}
        for name, message in problems:
            fields.setdefault(name, []).append(message)
        raise ValidationError("The provider definition is not valid: " + ", ".join(sorted(fields)),
                              details={"fields": fields})


def create_provider(values: dict) -> Provider:
    """Add a custom provider; ``ConflictError`` when the id is taken or reserved."""
    provider_id = values["id"]
    if provider_id in registry.RESERVED_IDS:
        raise ValidationError(f"{provider_id!r} is a reserved word", field="id")
    if any(p.id == provider_id for p in _catalog()):
        raise ConflictError(f"A provider with id {provider_id!r} already exists")
    _validate(values)
    db.session.add(CustomProvider(**values))
    db.session.commit()
    _forget(provider_id)
    return get_provider(provider_id)


def _custom_row(provider_id: str) -> CustomProvider:
    row = db.session.get(CustomProvider, provider_id)
    if row is None:
        if any(p.id == provider_id for p in registry.BUILTIN_PROVIDERS):
            raise ConflictError(f"{provider_id!r} is built in; override it with PROVIDER_{provider_id.upper()}_* "
                                "settings", code="BUILTIN_PROVIDER")
        raise NotFoundError(f"Unknown provider {provider_id!r}", code="PROVIDER_NOT_FOUND")
    return row


def update_provider(provider_id: str, changes: dict) -> Provider:
    """Edit (or enable/disable) a custom provider; the result is validated as a whole."""
    row = _custom_row(provider_id)
    merged = {name: getattr(row, name) for name in ("base_url", "movie_template", "tv_template", "health_url")}
    merged.update({k: v for k, v in changes.items() if k in merged})
    _validate(merged)
    for name, value in changes.items():
        setattr(row, name, value)
    db.session.commit()
    _forget(provider_id)
    return get_provider(provider_id)


def delete_provider(provider_id: str) -> None:
    row = _custom_row(provider_id)
    db.session.delete(row)
    db.session.commit()
    _forget(provider_id)
    _forget_status(provider_id)


@best_effort("provider status")  # the provider is gone; its status expires with PROVIDER_CACHE_TTL
def _forget_status(provider_id: str) -> None:
    redis.delete(keys.status(provider_id), keys.history(provider_id))


def describe(provider: Provider, status: dict | None = None) -> dict:
    body = {name: getattr(provider, name) for name in _FIELDS if name != "extra"}
    if status is not None:
        body["status"] = status
    return body


# ---- status ------------------------------------------------------------------------------

def _status_view(provider_id: str, raw: dict, history_raw: list[str] | None) -> dict:
    view = {"providerId": provider_id, "status": raw.get("status", health.UNKNOWN),
            "latencyMs": float(raw["latency_ms"]) if raw.get("latency_ms") else None,
            "checkedAt": int(raw["checked_at"]) if raw.get("checked_at") else None,
            "httpStatus": int(raw["http_status"]) if raw.get("http_status") else None,
            "error": raw.get("error") or None}
    if history_raw is not None:
        view["history"] = [json.loads(item) for item in history_raw]
    return view


def _unknown_statuses(provider_ids: list[str], with_history: bool) -> dict[str, dict]:
    return {pid: _status_view(pid, {}, [] if with_history else None) for pid in provider_ids}


# statuses only cache the last check: while Redis is down every provider reads "unknown"
@best_effort("provider status", default=_unknown_statuses)
def _read_statuses(provider_ids: list[str], with_history: bool) -> dict[str, dict]:
    pipe = redis.client.pipeline(transaction=False)
    for provider_id in provider_ids:
        pipe.hgetall(keys.status(provider_id))
        if with_history:
            pipe.lrange(keys.history(provider_id), 0, -1)
    replies = pipe.execute()
    step = 2 if with_history else 1
    views = {pid: _status_view(pid, replies[i * step], replies[i * step + 1] if with_history else None)
             for i, pid in enumerate(provider_ids)}
    if any(v["status"] == health.UNKNOWN for v in views.values()):
        request_check()
    return views


def provider_status(provider_id: str) -> dict:
    """``{providerId, status, latencyMs, checkedAt, history}``; unknown schedules a check at once."""
    provider = get_provider(provider_id)
    return _read_statuses([provider.id], with_history=True)[provider.id]


def list_with_status(include_disabled: bool = False) -> list[dict]:
    providers = list_providers(include_disabled)
    statuses = _read_statuses([p.id for p in providers], with_history=False)
    return [describe(p, statuses[p.id]) for p in providers]


RANK = {health.UP: 0, health.DEGRADED: 1, health.UNKNOWN: 2, health.DOWN: 3}


def best_provider(identity: Identity | None, media_id: str, media_type: str = "movie", season: int | None = None,
                  episode: int | None = None) -> dict:
    """The highest-priority provider that is up, then the rest in fallback order (up, degraded,
    unknown, down; priority within each), after the caller's entitlement check."""
    providers = list_providers()
    _check_media(identity, media_id, media_type)
    if not providers:
        raise AppError("No streaming provider is enabled", code="NO_PROVIDER", status=503)
    statuses = _read_statuses([p.id for p in providers], with_history=False)
    ranked = sorted(providers, key=lambda p: (RANK[statuses[p.id]["status"]], p.priority, p.id))
    entries = [{**build_embed(p.id, media_id, media_type, season, episode), "status": statuses[p.id]["status"],
                "latencyMs": statuses[p.id]["latencyMs"]} for p in ranked]
    return {"best": entries[0], "alternates": entries[1:]}


def record_results(results: list[dict]) -> None:
    """Store check results: current status (PROVIDER_CACHE_TTL) and a short history."""
    config = current_app.config
    ttl, keep = config["PROVIDER_CACHE_TTL"], config["PROVIDER_HISTORY_LENGTH"]
    checked_at = now_ms()
    pipe = redis.client.pipeline(transaction=True)
    for result in results:
        status_key, history_key = keys.status(result["providerId"]), keys.history(result["providerId"])
        pipe.delete(status_key)
        pipe.hset(status_key, mapping={"status": result["status"], "latency_ms": result["latencyMs"],
                                       "checked_at": checked_at, "http_status": result["httpStatus"] or "",
                                       "error": result["error"] or ""})
        pipe.expire(status_key, ttl)
        pipe.lpush(history_key, json.dumps({"status": result["status"], "latencyMs": result["latencyMs"],
                                            "checkedAt": checked_at}))
        pipe.ltrim(history_key, 0, keep - 1)
        pipe.expire(history_key, ttl)
    pipe.execute()


def check_providers(provider_ids: list[str] | None = None) -> list[dict]:
    """Check the enabled providers (or the given ones) now, concurrently; store and return results."""
    providers = list_providers(include_disabled=provider_ids is not None)
    if provider_ids is not None:
        providers = [p for p in providers if p.id in set(provider_ids)]
    results = health.check_all(providers)
    record_results(results)
    redis.delete(keys.check_pending())
    return results


def request_check() -> str | None:
    """Queue a check of every provider unless one is already queued; returns the task id if queued."""
    if not redis.set(keys.check_pending(), "1", nx=True, ex=CHECK_PENDING_SECONDS):
        return None
    return _send_check()


def enqueue_check() -> str:
    redis.set(keys.check_pending(), "1", ex=CHECK_PENDING_SECONDS)
    return _send_check()


def _send_check() -> str:
    celery = current_app.extensions["celery"]
    # nobody waits for the result: subscribing to it would cost a pub/sub channel per request
    return celery.send_task("workers.providers.check_providers", queue="probes", ignore_result=True).id
