"""The oldest Redis the code runs on, and the start-up check that refuses an older server.

Redis 7.0 is the floor: ``EXPIRE ... NX`` (room chat limits) and the Lua features the scripts
use are 7.0 commands. Valkey reports the Redis version it is compatible with in
``redis_version`` (7.2.4 for Valkey 8), so one comparison covers both servers.
"""
from __future__ import annotations

import logging
from urllib.parse import urlsplit, urlunsplit

import redis as redis_lib

log = logging.getLogger(__name__)

MINIMUM_REDIS_VERSION = (7, 0, 0)


class RedisVersionError(RuntimeError):
    """The Redis server is older than MINIMUM_REDIS_VERSION."""


def minimum_label() -> str:
    return ".".join(str(part) for part in MINIMUM_REDIS_VERSION[:2])


def parse_version(text: str) -> tuple[int, ...]:
    parts = []
    for piece in str(text).split(".")[:3]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts + [0] * (3 - len(parts)))


def redacted(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit((parts.scheme, user + host, parts.path, parts.query, parts.fragment))


def describe(info: dict) -> str:
    """'Redis 7.0.15', or 'Valkey 8.1.8 (Redis 7.2.4)'."""
    redis_version = str(info.get("redis_version", "unknown"))
    if info.get("valkey_version"):
        return f"Valkey {info['valkey_version']} (Redis {redis_version})"
    return f"Redis {redis_version}"


def check_server(client: redis_lib.Redis, url: str) -> dict:
    """INFO server of ``client``; raises RedisVersionError when the server is too old."""
    info = client.info("server")
    found = parse_version(info.get("redis_version", "0"))
    if found < MINIMUM_REDIS_VERSION:
        raise RedisVersionError(
            f"{describe(info)} at {redacted(url)} is too old: Marquee needs Redis {minimum_label()} or newer "
            f"(or Valkey 7.2+). Upgrade the server, or unset REDIS_URL in development to use the embedded one.")
    return info


def redis_urls(config) -> list[str]:
    """Every distinct Redis URL the process will talk to (caches, limits, Socket.IO, Celery)."""
    celery = config.get("CELERY", {})
    candidates = [config.get("REDIS_URL"), config.get("RATELIMIT_STORAGE_URI"), config.get("SOCKETIO_MESSAGE_QUEUE"),
                  celery.get("broker_url"), celery.get("result_backend")]
    urls: list[str] = []
    for url in candidates:
        if url and str(url).startswith(("redis://", "rediss://", "unix://")) and url not in urls:
            urls.append(url)
    return urls


def require_redis_version(config, process: str) -> None:
    """Refuse to start ``process`` ("web", "worker") on a Redis older than the minimum.

    A server that does not answer is not an error here: the process starts, ``/health``
    reports Redis down, and everything recovers when it comes back.
    """
    for url in redis_urls(config):
        client = redis_lib.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2,
                                          retry=redis_lib.retry.Retry(redis_lib.backoff.NoBackoff(), 0))
        try:
            info = check_server(client, url)
        except RedisVersionError as exc:
            log.error("%s refuses to start: %s", process, exc)
            raise
        except redis_lib.RedisError as exc:
            log.warning("%s: could not check the Redis version at %s (%s); starting anyway", process, redacted(url), exc)
            continue
        finally:
            client.close()
        log.info("%s: %s at %s (Marquee needs %s+)", process, describe(info), redacted(url), minimum_label())
