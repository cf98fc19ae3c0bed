"""`flask seed`: the admin account and, on an empty database, each domain's demo data.

Domains add their seeder to ``SEEDERS`` (a function taking no arguments that is a no-op when its
data is already there), so running the command twice is safe.
"""
from __future__ import annotations

from typing import Callable

import click
from flask import current_app
from flask.cli import with_appcontext

from config.settings import DEV_ADMIN_EMAIL, DEV_ADMIN_PASSWORD


def seed_admin() -> None:
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


SEEDERS: list[tuple[str, Callable[[], None]]] = [("admin", seed_admin)]


@click.command("seed")
@with_appcontext
def seed_command() -> None:
    """Seed the admin account and demo data (idempotent)."""
    for name, seeder in SEEDERS:
        seeder()
        click.echo(f"seeded: {name}")


def _seed_catalog() -> None:
    from app.catalog.demo import seed_catalog

    click.echo(f"Demo catalog: {seed_catalog()} titles created")


def _seed_viewers() -> None:
    from app.playback.demo import DEMO_PASSWORD, seed_viewers

    click.echo(f"Demo viewers: {seed_viewers()} created (password {DEMO_PASSWORD!r})")


SEEDERS += [("catalog", _seed_catalog), ("demo viewers", _seed_viewers)]
