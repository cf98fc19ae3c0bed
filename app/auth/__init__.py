"""Identity: local accounts or Firebase, roles, the admin CLI."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.auth.cli import users_cli
    from app.auth.service import resolve_local_token, resolve_firebase_token
    from app.core.identity import register_token_resolver

    if app.config["AUTH_PROVIDER"] == "firebase":
        register_token_resolver(app, resolve_firebase_token)
    else:
        register_token_resolver(app, resolve_local_token)
    app.cli.add_command(users_cli)
