"""The signed files of a published ladder: ``/api/v1/media/<asset>/<version>/<path>``.

Every request carries the token (``exp``, ``st``) the stream endpoint signed; playlists are
rewritten on the way out so each URI they name carries it too. Segments go out with Range,
``HEAD`` and conditional requests (Werkzeug's ``send_file``). No database query on this path.
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app, request, send_file
from flask_limiter import ExemptionScope

from app.extensions import limiter
from app.media import service

blp = Blueprint("media_files", __name__)


def _files_limit() -> str:
    return current_app.config["MEDIA_FILES_RATE_LIMIT"]


# A player asks for a segment every few seconds for hours: the files spend their own per-address
# limit (MEDIA_FILES_RATE_LIMIT), not the API's budgets.
limiter.exempt(blp, flags=ExemptionScope.APPLICATION | ExemptionScope.DEFAULT)
limiter.limit(_files_limit)(blp)


@blp.get("/<int:asset_id>/<version>/<path:rest>")
def media_file(asset_id: int, version: str, rest: str):
    found = service.media_file(asset_id, version, rest, request.path, request.args.get("exp"),
                               request.args.get("st"), request.query_string.decode())
    if found.text is not None:
        response = Response(found.text, mimetype=found.mimetype)
    else:
        response = send_file(found.path, mimetype=found.mimetype, conditional=True, etag=True, max_age=found.max_age)
    response.headers["Cache-Control"] = f"private, max-age={found.max_age}"
    return response
