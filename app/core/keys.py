"""Redis key builder shared by every domain: ``<prefix>:<part>:<part>``.

Each domain keeps its own ``keys.py`` with one function per key, built on ``key()``.
"""
from __future__ import annotations

from flask import current_app, has_app_context

_DEFAULT_PREFIX = "marquee"


def prefix() -> str:
    if has_app_context():
        return current_app.config.get("REDIS_KEY_PREFIX", _DEFAULT_PREFIX)
    return _DEFAULT_PREFIX


def key(*parts: object) -> str:
    return ":".join([prefix(), *(str(part) for part in parts)])
