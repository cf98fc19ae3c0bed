"""Development, Testing and Production settings, every value from the environment.

Each class reads the environment when it is instantiated (not at import), so a test or a
process can set variables before building the app. ``.env.example`` documents every name.
"""
from __future__ import annotations

import os
from pathlib import Path


from config.env import env_bool, env_float, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-secret-key-change-me"
DEV_INTERNAL_API_KEY = "dev-internal-key-change-me"
DEV_ADMIN_EMAIL = "admin@marquee.local"
DEV_ADMIN_PASSWORD = "marquee-admin"


class ConfigurationError(RuntimeError):
    """Raised at start-up when a setting is missing or unsafe for the environment."""


class BaseConfig:
    ENV_NAME = "base"
    DEBUG = False
    TESTING = False

    def __init__(self) -> None:
        # Core
        self.SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
        self.INTERNAL_API_KEY = env_str("INTERNAL_API_KEY", DEV_INTERNAL_API_KEY)
        self.APP_VERSION = env_str("APP_VERSION", "0.1.0")
        self.LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
        self.LOG_JSON = env_bool("LOG_JSON", self.ENV_NAME == "production")
        self.PORT = env_int("PORT", 5000)
        self.PUBLIC_URL = env_str("PUBLIC_URL", f"http://127.0.0.1:{self.PORT}")

        # Database
        default_db = f"sqlite:///{ROOT / 'instance' / 'marquee.db'}"
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(env_str("DATABASE_URL", default_db))
        self.SQLALCHEMY_ENGINE_OPTIONS = engine_options(self.SQLALCHEMY_DATABASE_URI)
        self.SQLALCHEMY_TRACK_MODIFICATIONS = False

        # Redis: one URL for broker, results, Socket.IO queue, caches and limits
        self.REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
        self.REDIS_KEY_PREFIX = env_str("REDIS_KEY_PREFIX", "marquee")
        # bounded waits: a Redis that is down or frozen costs a request about this, not a hang
        self.REDIS_SOCKET_TIMEOUT = env_float("REDIS_SOCKET_TIMEOUT", 2.0)
        self.REDIS_CONNECT_TIMEOUT = env_float("REDIS_CONNECT_TIMEOUT", 1.0)
        self.REDIS_OUTAGE_RETRY_AFTER = env_int("REDIS_OUTAGE_RETRY_AFTER", 5)  # Retry-After of the 503

        # HTTP
        self.CORS_ORIGINS = env_list("CORS_ORIGIN", ["http://localhost:3000", "http://127.0.0.1:3000"])
        self.MAX_CONTENT_LENGTH = env_int("MAX_CONTENT_LENGTH", 10 * 1024 * 1024)
        self.TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
        self.COMPRESS_MIN_SIZE = env_int("COMPRESS_MIN_SIZE", 1024)
        self.COMPRESS_MIMETYPES = ["application/json", "text/html", "text/plain", "application/javascript", "text/css"]
        self.COMPRESS_ALGORITHM = ["br", "gzip", "deflate"]
        self.FRAME_ANCESTORS = env_str("FRAME_ANCESTORS", "'self'")
        self.HSTS_ENABLED = env_bool("HSTS_ENABLED", self.ENV_NAME == "production")

        # The admin account that `flask seed` ensures (each domain's own settings live in its
        # package: app/<domain>/settings.py, read by create_app)
        self.ADMIN_EMAIL = env_str("ADMIN_EMAIL")
        self.ADMIN_PASSWORD = env_str("ADMIN_PASSWORD")

        # Rate limits
        self.RATELIMIT_ENABLED = env_bool("RATE_LIMIT_ENABLED", True)
        # one budget per client IP across the whole API (not per route); auth, search and
        # progress add their own limits on top (app/core/ratelimit.py: client_budget)
        self.RATELIMIT_APPLICATION = env_str("RATE_LIMIT_DEFAULT", "100 per minute")
        # and one budget per signed-in user across the whole API, on top of the address's (the
        # seeds' gateway promise); anonymous callers have only the address budget; empty: none
        self.RATELIMIT_PER_USER = env_str("RATE_LIMIT_PER_USER", "1000 per hour")
        self.RATELIMIT_STORAGE_URI = env_str("RATE_LIMIT_STORAGE_URL", self.REDIS_URL)
        self.RATELIMIT_HEADERS_ENABLED = True
        # Flask-Limiter writes Retry-After on every limited response; it goes under this name and
        # request_context turns it into Retry-After on a 429 only (and drops it otherwise)
        self.RATELIMIT_HEADER_RETRY_AFTER = "X-Marquee-Limiter-Retry-After"
        # fail open: a Redis outage must not turn every request into a 500 (health reports it)
        self.RATELIMIT_SWALLOW_ERRORS = env_bool("RATE_LIMIT_FAIL_OPEN", True)
        self.RATELIMIT_KEY_PREFIX = f"{self.REDIS_KEY_PREFIX}:rl"
        # fixed window whose hit also returns count and expiry: one Redis round trip per limit
        # instead of three (app/core/ratelimit.py)
        self.RATELIMIT_STRATEGY = "marquee-fixed-window"

        # Celery
        self.CELERY = celery_settings(self.REDIS_URL, self.REDIS_CONNECT_TIMEOUT)

        # Health
        self.HEALTH_CHECK_TIMEOUT = env_float("HEALTH_CHECK_TIMEOUT", 1.0)
        self.STORAGE_DIR = env_str("STORAGE_DIR", str(ROOT / "storage"))

        # OpenAPI / Swagger UI (served from local files, see app/ops/docs.py)
        self.API_TITLE = "Marquee API"
        self.API_VERSION = "v1"
        self.OPENAPI_VERSION = "3.0.3"
        self.OPENAPI_URL_PREFIX = "/"
        self.OPENAPI_JSON_PATH = "openapi.json"
        self.API_SPEC_OPTIONS = {
            "info": {"description": "Marquee: providers, proxies, watch together, OTT platform and torrent streaming."},
            "components": {
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                    "internalKey": {"type": "apiKey", "in": "header", "name": "x-internal-key"},
                }
            },
        }

        # Socket.IO
        self.SOCKETIO_MESSAGE_QUEUE = env_str("SOCKETIO_MESSAGE_QUEUE", self.REDIS_URL)

        # The outbound client (the proxy pool's own settings: app/proxies/settings.py)
        self.PROXY_MAX_RETRIES = env_int("PROXY_MAX_RETRIES", 3)
        self.PROXY_FALLBACK_DIRECT = env_bool("PROXY_FALLBACK_DIRECT", True)
        self.OUTBOUND_TIMEOUT = env_float("OUTBOUND_TIMEOUT", 10.0)
        self.OUTBOUND_USE_PROXY = env_bool("OUTBOUND_USE_PROXY", True)
        self.ALLOW_PRIVATE_TARGETS = env_bool("ALLOW_PRIVATE_TARGETS", False)

        # Circuit breakers
        self.BREAKER_FAILURE_THRESHOLD = env_int("BREAKER_FAILURE_THRESHOLD", 5)
        self.BREAKER_OPEN_SECONDS = env_float("BREAKER_OPEN_SECONDS", 60.0)
        self.BREAKER_RESET_SECONDS = env_float("BREAKER_RESET_SECONDS", 30.0)

    def validate(self) -> None:
        """Refuse settings that are unsafe for this environment."""


class DevelopmentConfig(BaseConfig):
    ENV_NAME = "development"
    DEBUG = False  # the reloader fights the Procfile runner; set FLASK_DEBUG for a shell session


class TestingConfig(BaseConfig):
    ENV_NAME = "testing"
    TESTING = True

    def __init__(self) -> None:
        super().__init__()
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(env_str("TEST_DATABASE_URL", "sqlite://"))
        self.SQLALCHEMY_ENGINE_OPTIONS = engine_options(self.SQLALCHEMY_DATABASE_URI)
        redis_url = env_str("TEST_REDIS_URL", self.REDIS_URL)
        self.REDIS_URL = redis_url
        self.RATELIMIT_STORAGE_URI = redis_url
        self.SOCKETIO_MESSAGE_QUEUE = redis_url
        self.CELERY = celery_settings(redis_url, self.REDIS_CONNECT_TIMEOUT)
        self.PASSWORD_HASH_FAST = True


class ProductionConfig(BaseConfig):
    ENV_NAME = "production"

    def validate(self) -> None:
        problems = []
        if not self.SECRET_KEY or self.SECRET_KEY == DEV_SECRET_KEY or len(self.SECRET_KEY) < 32:
            problems.append("SECRET_KEY must be set to a random value of at least 32 characters")
        if not self.INTERNAL_API_KEY or self.INTERNAL_API_KEY == DEV_INTERNAL_API_KEY or len(self.INTERNAL_API_KEY) < 24:
            problems.append("INTERNAL_API_KEY must be set to a random value of at least 24 characters")
        if self.ADMIN_PASSWORD == DEV_ADMIN_PASSWORD:
            problems.append("ADMIN_PASSWORD must not be the development default")
        if problems:
            raise ConfigurationError("Refusing to start in production: " + "; ".join(problems))


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def get_config(name: str | None = None) -> BaseConfig:
    name = name or os.environ.get("APP_ENV") or os.environ.get("FLASK_CONFIG") or "development"
    try:
        config = CONFIGS[name]()
    except KeyError as exc:
        raise ConfigurationError(f"Unknown configuration {name!r}; use one of {sorted(CONFIGS)}") from exc
    config.validate()
    return config


def normalise_database_url(url: str) -> str:
    # Heroku and Railway hand out postgres:// URLs; SQLAlchemy wants a driver name.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        # A session keeps its connection from the first query to the end of the request, and a
        # gevent worker runs hundreds of requests at once, yielding on Redis and socket I/O while
        # holding it. With SQLAlchemy's default 5 + 10 connections, later requests queued on the
        # pool, and returned connections went to whichever greenlet asked next rather than the
        # oldest waiter, so some requests starved for seconds (30 s, then a 500). SQLite
        # connections are a file handle each: keep DB_POOL_SIZE open and never make anyone wait.
        options = {"connect_args": {"check_same_thread": False, "timeout": 30}}
        if url not in ("sqlite://", "sqlite:///:memory:"):  # in-memory databases use a singleton pool
            options.update(pool_size=env_int("DB_POOL_SIZE", 10), max_overflow=-1)
        return options
    return {"pool_pre_ping": True, "pool_size": env_int("DB_POOL_SIZE", 10), "max_overflow": env_int("DB_MAX_OVERFLOW", 20)}


def celery_settings(redis_url: str, connect_timeout: float) -> dict:
    """Celery settings (lower-case names, Celery 5 style). ``create_app`` adds each domain's
    task module, queue route and beat entries."""
    socket_timeout = env_float("CELERY_REDIS_SOCKET_TIMEOUT", 5.0)
    return {
        "broker_url": env_str("CELERY_BROKER_URL", redis_url),
        "result_backend": env_str("CELERY_RESULT_BACKEND", redis_url),
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_ignore_result": True,
        "result_expires": 3600,
        "task_time_limit": env_int("CELERY_TASK_TIME_LIMIT", 600),
        "task_soft_time_limit": env_int("CELERY_TASK_SOFT_TIME_LIMIT", 540),
        "task_default_queue": "default",
        "task_queues_names": ["default", "probes", "media", "recs", "torrents"],
        "broker_connection_retry_on_startup": True,
        "broker_transport_options": {"visibility_timeout": 3600, "socket_timeout": socket_timeout,
                                     "socket_connect_timeout": connect_timeout},
        "broker_connection_timeout": connect_timeout,
        # queueing a task while Redis is down fails within about a second (then 503), not ten
        "task_publish_retry_policy": {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2},
        "redis_socket_timeout": socket_timeout,
        "redis_socket_connect_timeout": connect_timeout,
        "worker_send_task_events": True,
        "task_send_sent_event": True,
        "beat_schedule": {},
    }
