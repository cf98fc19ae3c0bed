"""/watch-together/demo: a page to try rooms in two tabs (socket.io-client served locally)."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, send_from_directory

from app.extensions import limiter

STATIC = Path(__file__).resolve().parent / "static"
demo_blp = Blueprint("rooms_demo", __name__)
limiter.exempt(demo_blp)


@demo_blp.get("/watch-together/demo")
def demo_page():
    return send_from_directory(STATIC, "demo.html", max_age=0)


@demo_blp.get("/watch-together/static/<path:filename>")
def demo_static(filename: str):
    return send_from_directory(STATIC, filename, max_age=3600)
