"""The one place every domain's blueprint is registered (after ``api.init_app``)."""
from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask, api) -> None:
    from app.auth.routes import blp as auth_blp
    from app.ops.routes import ops_blp

    from app.ops.docs import docs_blp

    api.register_blueprint(ops_blp)  # /health, /metrics at the root, outside the envelope
    api.register_blueprint(auth_blp, url_prefix="/api/v1/auth")

    from app.catalog.routes import blp as catalog_blp

    api.register_blueprint(catalog_blp, url_prefix="/api/v1/content")

    from app.playback.routes import admin_blp as admin_stats_blp, blp as playback_blp
    from app.users.routes import blp as users_blp

    api.register_blueprint(users_blp, url_prefix="/api/v1/users")
    api.register_blueprint(playback_blp, url_prefix="/api/v1/streaming")
    api.register_blueprint(admin_stats_blp, url_prefix="/api/v1/admin")
    app.register_blueprint(docs_blp)  # Swagger UI from local files


def register_socket_events() -> None:
    """Import each domain's events module so its handlers bind to the socketio instance."""
