"""The Socket.IO message queue on Redis, with bounded waits and a prompt reconnect.

python-socketio's RedisManager doubles its listener's wait after each failure up to 60 s, so
after a Redis outage a web process could go on missing its rooms' broadcasts for up to a
minute (its own emits travel through Redis too). Here the wait is capped at a couple of
seconds; connections get the same timeouts as every other Redis client (app/core/redis_clients.py).
"""
from __future__ import annotations

import time

import socketio

from app.core.redis_clients import redis_options

FIRST_RETRY_S = 0.25
LONGEST_RETRY_S = 2.0


class PromptRedisManager(socketio.RedisManager):
    def _redis_listen_with_retries(self):  # pragma: no cover - exercised by tests/ops/test_redis_outage.py
        wait = FIRST_RETRY_S
        subscribed = False
        while True:
            try:
                if not subscribed:
                    self._redis_connect()
                    self.pubsub.subscribe(self.channel)
                    subscribed = True
                    wait = FIRST_RETRY_S
                yield from self.pubsub.listen()
            except Exception as exc:  # any failure means: reconnect and subscribe again
                self._get_logger().warning("Socket.IO queue: cannot receive from Redis (%s); retrying in %.2fs",
                                           exc, wait)
                subscribed = False
                time.sleep(wait)  # gevent-patched in the web process
                wait = min(wait * 2, LONGEST_RETRY_S)


def client_manager(config) -> dict:
    """``socketio.init_app`` keyword arguments for the configured queue ({} when it is not Redis)."""
    url = config["SOCKETIO_MESSAGE_QUEUE"]
    if not url or not url.startswith(("redis://", "rediss://", "unix://")):
        return {}
    # the listener waits on pub/sub for as long as nobody speaks: no read timeout for it
    return {"client_manager": PromptRedisManager(url, channel="flask-socketio",
                                                 redis_options=redis_options(config, blocking_reads=True))}
