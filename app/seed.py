"""`flask seed`: each domain's seed steps (the admin account, then demo data), in domain order.

A domain lists its steps in its declaration (``seeds``); each is a no-op when its data is
already there, so running the command twice is safe.
"""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from app.core.domain import resolve


@click.command("seed")
@with_appcontext
def seed_command() -> None:
    """Seed the admin account and demo data (idempotent)."""
    for domain in current_app.extensions["domains"]:
        for label, step in domain.seeds:
            resolve(step)()
            click.echo(f"seeded: {label}")
