"""Outbound proxies: the pool, its health in Redis, probing, selection."""
from __future__ import annotations

from app.core.domain import Domain, Mount


def init_app(app) -> None:
    from app.platform.outbound import register_proxy_pool
    from app.proxies.pool import RedisProxyPool

    register_proxy_pool(app, RedisProxyPool())


DOMAIN = Domain(
    name="proxies",
    models="app.proxies.models",
    mounts=(Mount("proxies", "app.proxies.routes:blp", "/api/v1/proxies"),),
    tasks="workers.proxies",
    queue="probes",
    settings="app.proxies.settings:read_settings",
    beat="app.proxies.settings:beat_entries",
    setup="app.proxies:init_app",
)
