"""The domains the app is assembled from. Adding a domain is one package and one line here.

Each name is a package under ``app/`` whose ``__init__.py`` holds its ``DOMAIN`` declaration
(``app/core/domain.py``). The order is the order of registration: blueprints, handlers, seeds.
"""
from __future__ import annotations

from importlib import import_module

from app.core.domain import Domain, resolve

NAMES = (
    "ops",
    "auth",
    "providers",
    "proxies",
    "catalog",
    "users",
    "playback",
    "rooms",
    "media",
    "torrents",
    "recommendations",
)


def all_domains() -> list[Domain]:
    return [import_module(f"app.{name}").DOMAIN for name in NAMES]


def import_models(domains: list[Domain]) -> None:
    """Import every domain's tables so SQLAlchemy's metadata and Alembic see them all."""
    for domain in domains:
        if domain.models:
            resolve(domain.models)


def include_object(object, name, type_, reflected, compare_to) -> bool:
    """What Alembic compares with the models: all but what a domain's models module leaves out
    with an ``include_object`` of its own (objects its migrations create by hand)."""
    for domain in all_domains():
        if domain.models:
            check = getattr(resolve(domain.models), "include_object", None)
            if check is not None and not check(object, name, type_, reflected, compare_to):
                return False
    return True
