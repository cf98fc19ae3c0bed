"""Provider lookups and embeds: the interface other domains (rooms, catalog) call.

Stable public functions: ``list_providers(include_disabled=False)``, ``get_provider(id)``,
``is_enabled(id)``, ``build_embed(id, media_id, media_type, season, episode)``.
"""
from __future__ import annotations

from flask import current_app

from app.errors import NotFoundError, ValidationError
from app.providers import registry
from app.providers.registry import InvalidMediaRequest, Provider


def list_providers(include_disabled: bool = False) -> list[Provider]:
    """Every provider (built-in, then custom), ordered by priority."""
    providers = list(registry.BUILTIN_PROVIDERS)
    if not include_disabled:
        providers = [p for p in providers if p.enabled]
    return sorted(providers, key=lambda p: (p.priority, p.id))


def get_provider(provider_id: str) -> Provider:
    for provider in list_providers(include_disabled=True):
        if provider.id == provider_id:
            return provider
    raise NotFoundError(f"Unknown provider {provider_id!r}", code="PROVIDER_NOT_FOUND")


def is_enabled(provider_id: str) -> bool:
    return any(p.id == provider_id for p in list_providers())


def build_embed(provider_id: str, media_id: str, media_type: str = "movie", season: int | None = None,
                episode: int | None = None) -> dict:
    """``{providerId, name, mediaId, type, embedUrl, iframe}`` for an enabled provider."""
    provider = get_provider(provider_id)
    if not provider.enabled:
        raise NotFoundError(f"Provider {provider_id!r} is disabled", code="PROVIDER_NOT_FOUND")
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
