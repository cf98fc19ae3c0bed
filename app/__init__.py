"""The application factory: config, extensions, then the domains a process role needs."""
from __future__ import annotations

import time
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.core.domain import Domain, Role, resolve, role_named
from config import get_config

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config_name: str | None = None, role: str | Role = "web", **overrides) -> Flask:
    """Build the app for one kind of process: ``web`` serves every domain's routes and sockets,
    ``streamer`` only the stream routes plus /health and /metrics, ``worker`` no routes at all
    (Celery workers, beat and flower; they still emit socket events through the queue)."""
    from app.domains import all_domains

    role = role_named(role)
    domains = all_domains()
    app = Flask(__name__, instance_relative_config=False)
    # Before any route exists: no rule may answer with Werkzeug's HTML redirect. "//" is not
    # merged into "/" (POST /proxies//check is a missing id, not "check every proxy"), and a
    # trailing slash matches the same rule instead of redirecting to it.
    app.url_map.merge_slashes = False
    app.url_map.strict_slashes = False
    config = get_config(config_name)
    app.config.from_object(config)
    for domain in domains:
        if domain.settings:
            app.config.update(resolve(domain.settings)(config))
    app.config.update(overrides)
    app.config["ENV_NAME"] = config.ENV_NAME
    app.config["STARTED_AT"] = time.time()
    app.config["PROCESS_ROLE"] = role.name

    from app.core.logging import configure_logging

    configure_logging(app.config["LOG_LEVEL"], app.config["LOG_JSON"])

    if app.config["TRUSTED_PROXY_COUNT"] > 0:
        hops = app.config["TRUSTED_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)

    _init_extensions(app, domains, role)
    if role.serves_http:
        _mount(app, domains, role)
    if role.sockets:
        _bind_socket_handlers(domains)
    for domain in domains:
        if domain.setup:
            resolve(domain.setup)(app)
    _init_celery(app, domains)
    app.extensions["domains"] = domains

    from app.seed import seed_command

    app.cli.add_command(seed_command)
    return app


def _init_extensions(app: Flask, domains: list[Domain], role: Role) -> None:
    from flask_limiter import RateLimitExceeded

    from app.core.origins import cors_options, socket_origin_check
    from app.core.outage import register_outage_handler
    from app.core.ratelimit import rate_limited_response
    from app.core.redis_clients import redis_options
    from app.core.request_context import init_body_checks, init_options_answers, init_request_context
    from app.core.server_timing import init_server_timing
    from app.core.socket_packets import StrictPacket
    from app.core.socketio_queue import client_manager as socketio_client_manager
    from app.core.sqlite import configure_sqlite
    from app.domains import import_models
    from app.errors import register_error_handlers
    from app.extensions import compress, cors, db, limiter, migrate, redis, socketio
    from app.platform.metrics import init_metrics

    import_models(domains)  # every table must be known before migrations run
    redis.init_app(app)
    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True, compare_type=True)
    init_request_context(app)
    init_server_timing(app)
    init_metrics(app)
    cors.init_app(app, **cors_options(app.config))  # the web server's own refusals use the same rule
    compress.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", redis_options(app.config))
    limiter.init_app(app)
    init_options_answers(app)  # after compress and the limiter, so it runs before them
    init_body_checks(app)
    if role.serves_http:
        _init_api(app)
    register_error_handlers(app)
    app.register_error_handler(RateLimitExceeded, rate_limited_response)
    register_outage_handler(app)
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


def _init_api(app: Flask) -> None:
    """flask-smorest, whose one document each served blueprint adds to (not for workers)."""
    from app.extensions import api, limiter

    app.config.setdefault("OPENAPI_SWAGGER_UI_PATH", None)
    api.init_app(app)
    limiter.exempt(app.blueprints["api-docs"])  # /openapi.json, as /docs: generated clients fetch it often


def _mount(app: Flask, domains: list[Domain], role: Role) -> None:
    """Register the blueprints this role serves, in the domains' order, and write the limits
    that come from settings into the document (it states the value this server enforces)."""
    from app.core.converters import register_converters
    from app.extensions import api

    register_converters(app, api)
    for domain in domains:
        served_api = False
        for mount in domain.mounts:
            if not role.serves_mount(mount):
                continue
            blueprint = resolve(mount.blueprint)
            if mount.in_api:
                api.register_blueprint(blueprint, url_prefix=mount.url_prefix)
                served_api = True
            else:
                app.register_blueprint(blueprint, url_prefix=mount.url_prefix)
        if served_api and domain.documented_settings:
            api.document_settings(app, list(domain.documented_settings))


def _bind_socket_handlers(domains: list[Domain]) -> None:
    from app.extensions import socketio
    from app.platform.sockets import register_connection_handlers, register_unknown_event_handler

    for domain in domains:
        if domain.socket_events:
            resolve(domain.socket_events)  # importing the module binds its handlers
    register_connection_handlers(socketio)
    register_unknown_event_handler(socketio)


def _init_celery(app: Flask, domains: list[Domain]) -> None:
    """Each domain's task module, queue and beat entries, then Celery bound to the app."""
    from app.platform.celery_setup import celery_init_app

    celery = app.config["CELERY"] = dict(app.config["CELERY"])
    celery["include"] = [domain.tasks for domain in domains if domain.tasks]
    celery["task_routes"] = {f"{domain.tasks}.*": {"queue": domain.queue}
                             for domain in domains if domain.tasks and domain.queue != "default"}
    celery["task_queues_names"] = list(dict.fromkeys([*celery["task_queues_names"],
                                                      *(domain.queue for domain in domains)]))
    schedule = celery["beat_schedule"] = dict(celery["beat_schedule"])
    for domain in domains:
        if domain.beat:
            schedule.update(resolve(domain.beat)(app.config))
    celery_init_app(app)
