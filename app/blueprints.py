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
    from app.ops.monitoring import monitoring_blp
    from app.providers.routes import blp as providers_blp, legacy_blp as providers_legacy_blp
    from app.proxies.routes import blp as proxies_blp

    register_converters(app, api)
    api.register_blueprint(providers_blp, url_prefix="/api/v1/providers")
    api.register_blueprint(providers_legacy_blp, url_prefix="/providers")
    api.register_blueprint(proxies_blp, url_prefix="/api/v1/proxies")
    api.register_blueprint(monitoring_blp, url_prefix="/api/v1/monitoring")
    app.register_blueprint(dashboard_blp)  # HTML, outside the API spec
    app.register_blueprint(docs_blp)  # Swagger UI from local files


def register_socket_events() -> None:
    """Import each domain's events module so its handlers bind to the socketio instance."""
