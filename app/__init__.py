"""The application factory: config, extensions, blueprints, sockets, errors."""
from __future__ import annotations

import time

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import get_config


def create_app(config_name: str | None = None, **overrides) -> Flask:
    app = Flask(__name__, instance_relative_config=False)
    # Before any route exists: no rule may answer with Werkzeug's HTML redirect. "//" is not
    # merged into "/" (POST /proxies//check is a missing id, not "check every proxy"), and a
    # trailing slash matches the same rule instead of redirecting to it.
    app.url_map.merge_slashes = False
    app.url_map.strict_slashes = False
    config = get_config(config_name)
    app.config.from_object(config)
    app.config.update(overrides)
    app.config["ENV_NAME"] = config.ENV_NAME
    app.config["STARTED_AT"] = time.time()

    from app.core.logging import configure_logging

    configure_logging(app.config["LOG_LEVEL"], app.config["LOG_JSON"])

    if app.config["TRUSTED_PROXY_COUNT"] > 0:
        hops = app.config["TRUSTED_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)

    _init_extensions(app)
    return app


def _init_extensions(app: Flask) -> None:
    from app import auth, models  # noqa: F401  (every model must be imported before migrations run)
    from app.blueprints import register_blueprints, register_socket_events
    from app.platform.celery_setup import celery_init_app
    from app.platform.metrics import init_metrics
    from app.core.origins import socket_origin_check
    from app.core.outage import register_outage_handler
    from app.core.redis_clients import redis_options
    from app.core.request_context import init_body_checks, init_request_context
    from app.core.socketio_queue import client_manager as socketio_client_manager
    from app.core.socket_packets import StrictPacket
    from app.errors import register_error_handlers
    from app.extensions import api, compress, cors, db, limiter, migrate, redis, socketio

    redis.init_app(app)
    db.init_app(app)
    with app.app_context():
        from app.core.sqlite import configure_sqlite

        configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(_migrations_dir()), render_as_batch=True, compare_type=True)
    init_request_context(app)
    init_metrics(app)
    cors.init_app(app, origins=app.config["CORS_ORIGINS"], supports_credentials=True,
                  expose_headers=["X-Request-ID", "X-RateLimit-Limit", "X-RateLimit-Remaining",
                                  "X-RateLimit-Reset", "Retry-After"])
    compress.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", redis_options(app.config))
    limiter.init_app(app)
    init_body_checks(app)
    app.config.setdefault("OPENAPI_SWAGGER_UI_PATH", None)
    api.init_app(app)
    limiter.exempt(app.blueprints["api-docs"])  # /openapi.json, as /docs: generated clients fetch it often
    register_error_handlers(app)
    register_outage_handler(app)
    register_blueprints(app, api)
    socketio.init_app(
        app,
        message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"],
        **socketio_client_manager(app.config),
        cors_allowed_origins=socket_origin_check(app.config["CORS_ORIGINS"] or "*"),
        async_mode=app.config.get("SOCKETIO_ASYNC_MODE"),
        logger=False,
        engineio_logger=False,
        serializer=StrictPacket,
    )
    register_socket_events()
    auth.init_app(app)
    from app import proxies

    proxies.init_app(app)
    celery_init_app(app)

    from app.seed import seed_command

    app.cli.add_command(seed_command)


def _migrations_dir():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "migrations"
