"""`flask users ...` commands."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from config.settings import DEV_ADMIN_EMAIL, DEV_ADMIN_PASSWORD

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create-admin")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True, envvar="ADMIN_PASSWORD")
@click.option("--name", "display_name", default="Administrator", show_default=True)
def create_admin(email: str, password: str, display_name: str) -> None:
    """Create an admin account for EMAIL, or promote the existing one."""
    from app.auth.service import ensure_admin
    from app.errors import AppError

    try:
        user, created = ensure_admin(email, password, display_name)
    except AppError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"{'Created' if created else 'Promoted'} admin {user.email} (id {user.id})")


def seed_admin() -> None:
    """`flask seed`'s first step: the admin account from ADMIN_EMAIL / ADMIN_PASSWORD."""
    from app.auth.service import ensure_admin

    email = current_app.config.get("ADMIN_EMAIL") or DEV_ADMIN_EMAIL
    password = current_app.config.get("ADMIN_PASSWORD")
    if not password:
        if current_app.config["ENV_NAME"] == "production":
            raise click.ClickException("ADMIN_PASSWORD must be set to seed the admin account in production")
        password = DEV_ADMIN_PASSWORD
        click.echo(f"ADMIN_PASSWORD is unset: using the development default {password!r} for {email}")
    user, created = ensure_admin(email, password)
    click.echo(f"Admin account {user.email}: {'created' if created else 'already present'}")
