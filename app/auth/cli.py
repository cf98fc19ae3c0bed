"""`flask users ...` commands."""
from __future__ import annotations

import click
from flask.cli import AppGroup

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
