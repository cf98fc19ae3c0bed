"""Identity settings: which token provider, token lifetimes, passwords, Firebase, the auth limit."""
from __future__ import annotations

from config.env import env_bool, env_float, env_int, env_str
from config.settings import ConfigurationError


def read_settings(config) -> dict:
    provider = env_str("AUTH_PROVIDER", "local")
    if provider not in ("local", "firebase"):
        raise ConfigurationError("AUTH_PROVIDER must be 'local' or 'firebase'")
    return {
        "AUTH_PROVIDER": provider,
        "ACCESS_TOKEN_TTL": env_int("ACCESS_TOKEN_TTL", 15 * 60),
        "REFRESH_TOKEN_TTL": env_int("REFRESH_TOKEN_TTL", 30 * 24 * 3600),
        "PASSWORD_MIN_LENGTH": env_int("PASSWORD_MIN_LENGTH", 8),
        "FIREBASE_PROJECT_ID": env_str("FIREBASE_PROJECT_ID", "marquee-dev"),
        "FIREBASE_CREDENTIALS": env_str("FIREBASE_CREDENTIALS"),  # path to a service-account JSON
        "FIREBASE_CHECK_REVOKED": env_bool("FIREBASE_CHECK_REVOKED", False),
        "FIREBASE_TIMEOUT": env_float("FIREBASE_TIMEOUT", 3.0),
        "RATELIMIT_AUTH": env_str("RATE_LIMIT_AUTH", "5 per 15 minutes"),
    }
