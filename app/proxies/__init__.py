"""Outbound proxies: the pool, its health in Redis, probing, selection."""


def init_app(app) -> None:
    from app.platform.outbound import register_proxy_pool
    from app.proxies.pool import RedisProxyPool

    register_proxy_pool(app, RedisProxyPool())
