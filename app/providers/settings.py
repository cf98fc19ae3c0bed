"""Provider settings: health checks and their cache, built-in overrides, iframe attributes."""
from __future__ import annotations

import os
from datetime import timedelta

from config.env import env_bool, env_float, env_int, env_str

OVERRIDE_FIELDS = {"NAME": "name", "BASE_URL": "base_url", "MOVIE_TEMPLATE": "movie_template",
                   "TV_TEMPLATE": "tv_template", "HEALTH_URL": "health_url", "ENABLED": "enabled",
                   "PRIORITY": "priority"}


def read_settings(config) -> dict:
    testing = config.TESTING
    return {
        "PROVIDER_CHECK_INTERVAL": env_int("PROVIDER_CHECK_INTERVAL", 300),
        "PROVIDER_CACHE_TTL": env_int("PROVIDER_CACHE_TTL", 6 * 3600),
        "PROVIDER_CHECK_TIMEOUT": env_float("PROVIDER_CHECK_TIMEOUT", 2.0 if testing else 5.0),
        "PROVIDER_CHECK_USE_PROXY": env_bool("PROVIDER_CHECK_USE_PROXY", False),
        "PROVIDER_DEGRADED_MS": env_float("PROVIDER_DEGRADED_MS", 2000.0),
        "PROVIDER_HISTORY_LENGTH": env_int("PROVIDER_HISTORY_LENGTH", 20),
        # no test may reach a real provider: built-in health checks go to a closed local port
        "PROVIDER_BUILTIN_HEALTH_URL": env_str("PROVIDER_BUILTIN_HEALTH_URL",
                                               "http://127.0.0.1:9/" if testing else None),
        "PROVIDER_OVERRIDES": provider_overrides(),
        "EMBED_IFRAME_SANDBOX": env_str("EMBED_IFRAME_SANDBOX", "allow-scripts allow-same-origin allow-presentation"),
        "EMBED_IFRAME_ALLOW": env_str("EMBED_IFRAME_ALLOW",
                                      "autoplay; fullscreen; encrypted-media; picture-in-picture"),
    }


def beat_entries(config) -> dict:
    return {"providers-check": {"task": "workers.providers.check_providers", "options": {"queue": "probes"},
                                "schedule": timedelta(seconds=config["PROVIDER_CHECK_INTERVAL"])}}


def provider_overrides() -> dict[str, dict]:
    """``PROVIDER_<ID>_<FIELD>`` variables (e.g. PROVIDER_VIDSRC_ENABLED=false) by provider id."""
    overrides: dict[str, dict] = {}
    for name in sorted(os.environ):
        if not name.startswith("PROVIDER_") or name == "PROVIDER_BUILTIN_HEALTH_URL":
            continue
        for suffix, field in OVERRIDE_FIELDS.items():
            if name.endswith("_" + suffix) and len(name) > len("PROVIDER_") + len(suffix) + 1:
                provider_id = name[len("PROVIDER_"):-len(suffix) - 1].lower().replace("_", "-")
                if field == "enabled":
                    value = env_bool(name, True)
                elif field == "priority":
                    value = env_int(name, 100)
                else:
                    value = env_str(name)
                if value is not None:
                    overrides.setdefault(provider_id, {})[field] = value
                break
    return overrides
