"""The signed files of a published ladder: ``/api/v1/media/<asset>/<version>/<path>``.

Every request carries the token (``exp``, ``st``) the stream endpoint signed; playlists are
rewritten on the way out so each URI they name carries it too. Segments go out with Range,
``HEAD`` and conditional requests: from disk (Werkzeug's ``send_file``), relayed from S3, or as
a redirect to a presigned S3 URL (``MEDIA_S3_DELIVERY``). No database query on this path.
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app, redirect, request, send_file
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
                               request.args.get("st"), request.query_string.decode(), request.method)
    if found.text is not None:
        response = Response(found.text, mimetype=found.mimetype)
    elif found.path is not None:
        response = send_file(found.path, mimetype=found.mimetype, conditional=True, etag=True, max_age=found.max_age)
    elif found.redirect is not None:
        response = redirect(found.redirect, code=302)  # the bytes come from the bucket itself
    else:
        answer = found.relay(request.method, request.headers)
        # an iterator, even when empty (HEAD): Werkzeug then keeps the object's own Content-Length
        response = Response(answer.body if answer.body is not None else iter(()), status=answer.status,
                            headers=answer.headers, mimetype=found.mimetype, direct_passthrough=True)
    response.headers["Cache-Control"] = f"private, max-age={found.max_age}"
    return response
