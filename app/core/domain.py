"""How a domain declares itself, and the process roles that choose what an app serves.

Each domain package (``app/<domain>/__init__.py``) holds one ``Domain``: its tables, its
blueprints, its Socket.IO handlers, its Celery tasks and beat entries, its settings, its set-up
hook and its demo data. Modules are named by dotted path and imported only when the factory
needs them, so importing a domain package stays cheap and a process that does not serve HTTP
never imports a route. ``app/domains.py`` lists the domains; ``create_app`` assembles them.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any

HEALTH_AND_METRICS = "ops"  # the mount every serving role answers (/health, /metrics)


def resolve(path: str) -> Any:
    """``"package.module:attribute"`` (or ``"package.module"``) to the object it names."""
    module_name, _, attribute = path.partition(":")
    module = import_module(module_name)
    return getattr(module, attribute) if attribute else module


@dataclass(frozen=True)
class Mount:
    """One blueprint of a domain, where it is mounted and whether the API document shows it."""

    name: str  # what a role names to serve it
    blueprint: str  # "module:attribute"
    url_prefix: str | None = None
    in_api: bool = True  # a flask-smorest blueprint in /openapi.json, or a plain Flask one (HTML)


@dataclass(frozen=True)
class Domain:
    """Everything the factory needs to know of one domain; modules are named, not imported."""

    name: str
    models: str | None = None  # the module whose import defines the domain's tables
    mounts: tuple[Mount, ...] = ()
    socket_events: str | None = None  # the module whose import binds the domain's handlers
    tasks: str | None = None  # the Celery task module (``workers.<domain>``)
    queue: str = "default"  # the queue its tasks are routed to
    settings: str | None = None  # "module:function": base config -> the domain's settings
    beat: str | None = None  # "module:function": app config -> its Celery beat entries
    setup: str | None = None  # "module:function": app -> None, after the extensions are bound
    # `flask seed` steps: (label, "module:function"), each idempotent and saying what it did
    seeds: tuple[tuple[str, str], ...] = ()
    # values the OpenAPI document states from settings: (schema, property, keyword, setting)
    documented_settings: tuple[tuple[str, str, str, str], ...] = ()


@dataclass(frozen=True)
class Role:
    """What one kind of process runs: which mounts it serves and whether it handles sockets."""

    name: str
    serves: frozenset[str] | None = None  # mount names; None: every mount
    sockets: bool = True  # binds the Socket.IO handlers (every role can still emit)

    def serves_mount(self, mount: Mount) -> bool:
        if self.serves is None:
            return True
        if not self.serves:
            return False
        return mount.name in self.serves or mount.name == HEALTH_AND_METRICS

    @property
    def serves_http(self) -> bool:
        return self.serves is None or bool(self.serves)


ROLES = {
    "web": Role("web"),
    # the torrent streamer: the torrents domain's "stream" mount, beside /health and /metrics
    "streamer": Role("streamer", serves=frozenset({"stream"}), sockets=False),
    # Celery workers, beat and flower: tasks and emits, no routes and no socket handlers
    "worker": Role("worker", serves=frozenset(), sockets=False),
}


def role_named(role: str | Role) -> Role:
    if isinstance(role, Role):
        return role
    try:
        return ROLES[role]
    except KeyError:
        raise ValueError(f"Unknown process role {role!r}; use one of {sorted(ROLES)}") from None
