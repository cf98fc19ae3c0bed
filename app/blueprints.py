"""The one place every domain's blueprint is registered (after ``api.init_app``)."""
from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask, api) -> None:
    from app.auth.routes import blp as auth_blp
    from app.ops.routes import ops_blp

    from app.ops.docs import docs_blp

    api.register_blueprint(ops_blp)  # /health, /metrics at the root, outside the envelope
    api.register_blueprint(auth_blp, url_prefix="/api/v1/auth")

    from app.core.converters import register_converters
    from app.ops.dashboard import dashboard_blp
    from app.ops.monitoring import monitoring_blp, monitoring_legacy_blp
    from app.providers.routes import blp as providers_blp, legacy_blp as providers_legacy_blp
    from app.proxies.routes import blp as proxies_blp

    register_converters(app, api)
    api.register_blueprint(providers_blp, url_prefix="/api/v1/providers")
    api.register_blueprint(providers_legacy_blp, url_prefix="/providers")
    api.register_blueprint(proxies_blp, url_prefix="/api/v1/proxies")
    api.register_blueprint(monitoring_blp, url_prefix="/api/v1/monitoring")
    api.register_blueprint(monitoring_legacy_blp, url_prefix="/monitoring")  # beside /monitoring/dashboard
    app.register_blueprint(dashboard_blp)  # HTML, outside the API spec

    from app.catalog.routes import blp as catalog_blp

    api.register_blueprint(catalog_blp, url_prefix="/api/v1/content")

    from app.playback.routes import admin_blp as admin_stats_blp, blp as playback_blp
    from app.users.routes import blp as users_blp

    api.register_blueprint(users_blp, url_prefix="/api/v1/users")
    api.register_blueprint(playback_blp, url_prefix="/api/v1/streaming")
    api.register_blueprint(admin_stats_blp, url_prefix="/api/v1/admin")
    app.register_blueprint(docs_blp)  # Swagger UI from local files

    from app.rooms.demo import demo_blp
    from app.rooms.routes import blp as rooms_blp, legacy_blp as rooms_legacy_blp

    api.register_blueprint(rooms_blp, url_prefix="/api/v1/watch-together")
    api.register_blueprint(rooms_legacy_blp, url_prefix="/auth/watch-together")  # the original backend's paths
    app.register_blueprint(demo_blp)

    # limits that come from settings, so the document states the value this server enforces
    api.document_settings(app, [
        ("Register", "password", "minLength", "PASSWORD_MIN_LENGTH"),
        ("CreateRoom", "maxParticipants", "maximum", "ROOM_MAX_PARTICIPANTS"),
    ])


def register_socket_events() -> None:
    """Import each domain's events module so its handlers bind to the socketio instance."""
    from app.platform.sockets import register_unknown_event_handler
    from app.extensions import socketio
    from app.rooms import events as rooms_events  # noqa: F401

    register_unknown_event_handler(socketio)
