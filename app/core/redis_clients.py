"""Connection options shared by every Redis client of a process (ours, the limiter's, the
Socket.IO queue's), so a Redis that is down or frozen costs a request a bounded wait.

redis-py's default retry (three retries, 1-10 s exponential back-off) turned every command into
a wait of several seconds while Redis was down. One immediate retry keeps what that default is
for (a pooled connection closed by a Redis restart is replaced at once) without the wait: a
refused connection is refused again at once, and waiting would not change that.
"""
from __future__ import annotations

from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.retry import Retry


def quick_retry() -> Retry:
    # a timeout is not retried: a frozen Redis would only cost the wait twice
    return Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,))


def redis_options(config, *, blocking_reads: bool = False) -> dict:
    """Keyword arguments for ``redis.Redis.from_url``.

    ``blocking_reads``: the connection waits for messages (a pub/sub listener), so it gets no
    read timeout, only the connect timeout.
    """
    options = {"socket_connect_timeout": config.get("REDIS_CONNECT_TIMEOUT", 1.0), "retry": quick_retry()}
    if not blocking_reads:
        options["socket_timeout"] = config.get("REDIS_SOCKET_TIMEOUT", 2.0)
    return options
