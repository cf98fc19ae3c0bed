"""Identity: local accounts or Firebase, roles, the admin CLI."""
from __future__ import annotations

from app.core.domain import Domain, Mount


def init_app(app) -> None:
    from app.auth.cli import users_cli
    from app.auth.service import resolve_firebase_token, resolve_local_token
    from app.core.identity import register_token_resolver

    if app.config["AUTH_PROVIDER"] == "firebase":
        register_token_resolver(app, resolve_firebase_token)
    else:
        register_token_resolver(app, resolve_local_token)
    app.cli.add_command(users_cli)


DOMAIN = Domain(
    name="auth",
    models="app.auth.models",
    mounts=(Mount("auth", "app.auth.routes:blp", "/api/v1/auth"),),
    settings="app.auth.settings:read_settings",
    setup="app.auth:init_app",
    seeds=(("admin", "app.auth.cli:seed_admin"),),
    documented_settings=(("Register", "password", "minLength", "PASSWORD_MIN_LENGTH"),),
)
