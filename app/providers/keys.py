"""Redis keys of the providers domain."""
from __future__ import annotations

from app.core.keys import key


def catalog(fingerprint: str) -> str:
    """The merged provider list (built-ins + overrides + database), per settings fingerprint."""
    return key("providers", "catalog", fingerprint)


def catalog_pattern() -> str:
    return key("providers", "catalog", "*")


def status(provider_id: str) -> str:
    return key("providers", "status", provider_id)


def history(provider_id: str) -> str:
    return key("providers", "history", provider_id)


def embed(provider_id: str, version: str, media_type: str, media_id: str, season, episode) -> str:
    return key("providers", "embed", provider_id, version, media_type, media_id, season or "-", episode or "-")


def embed_pattern(provider_id: str) -> str:
    return key("providers", "embed", provider_id, "*")


def check_pending() -> str:
    """Set while a check is queued, so a burst of unknown statuses enqueues one check."""
    return key("providers", "check", "pending")
