"""/media/player: a page that plays a title's signed HLS stream (hls.js served locally), and
/media/admin: the transcode jobs with live progress bars (socket.io-client, served by rooms)."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, send_from_directory

from app.extensions import limiter

STATIC = Path(__file__).resolve().parent / "static"
player_blp = Blueprint("media_player", __name__)
limiter.exempt(player_blp)


@player_blp.get("/media/player")
def player_page():
    return send_from_directory(STATIC, "player.html", max_age=0)


@player_blp.get("/media/admin")
def admin_page():
    return send_from_directory(STATIC, "admin.html", max_age=0)


@player_blp.get("/media/static/<path:filename>")
def player_static(filename: str):
    return send_from_directory(STATIC, filename, max_age=3600)
