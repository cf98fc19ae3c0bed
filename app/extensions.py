"""Extensions created without an app and bound in ``create_app`` (the microblog pattern)."""
from __future__ import annotations

import redis as redis_lib
from flask import Flask
from flask_compress import Compress
from flask_cors import CORS
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase

from app.core.api import MarqueeApi
from app.core.ratelimit import MarqueeLimiter, budgets, limiter_exempt, limiter_key


class Base(DeclarativeBase):
    pass


class RedisClient:
    """The one Redis connection pool of a process, bound to the app's REDIS_URL.

    Attribute access is delegated to ``redis.Redis``, so ``redis.get(...)`` works anywhere.
    """

    def __init__(self) -> None:
        self._client: redis_lib.Redis | None = None
        self.url: str | None = None

    def init_app(self, app: Flask) -> None:
        from app.core.redis_clients import redis_options

        self.url = app.config["REDIS_URL"]
        self._client = redis_lib.Redis.from_url(
            self.url, decode_responses=True, health_check_interval=30, **redis_options(app.config)
        )
        app.extensions["redis"] = self

    @property
    def client(self) -> redis_lib.Redis:
        if self._client is None:
            raise RuntimeError("Redis is not initialised: call create_app() first")
        return self._client

    def __getattr__(self, name):
        return getattr(self.client, name)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
api = MarqueeApi()
socketio = SocketIO()
# a budget per client address and one per signed-in user across every route (application limits),
# route limits on top
limiter = MarqueeLimiter(key_func=limiter_key, application_limits=budgets())
limiter.request_filter(limiter_exempt)  # x-internal-key callers and preflights skip every limit
cors = CORS()
compress = Compress()
redis = RedisClient()
