"""The streamer's control routes, called by web processes with the service key:
``PUT /api/v1/torrents/streamer/streams/<info-hash>`` ``{fileIndex, userId}`` starts (or keeps) a
stream from the stored metadata, ``DELETE`` stops it and deletes its files."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from app.core.identity import roles_required
from app.errors import ValidationError
from app.torrents import service

blp = Blueprint("torrent_streamer", __name__)


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationError("The body must be a JSON object")
    file_index, user_id = body.get("fileIndex"), body.get("userId")
    if type(file_index) is not int or file_index < 0:
        raise ValidationError("fileIndex must be a file's index", field="fileIndex")
    if user_id is not None and type(user_id) is not int:
        raise ValidationError("userId must be an integer", field="userId")
    return {"file_index": file_index, "user_id": user_id}


@blp.put("/streams/<info_hash>")
@roles_required("service")
def start_stream(info_hash: str):
    body = _body()
    service.start_here(info_hash, body["file_index"], body["user_id"])
    return jsonify({"success": True, "data": {"infoHash": info_hash.lower(), "fileIndex": body["file_index"]}})


@blp.delete("/streams/<info_hash>")
@roles_required("service")
def stop_stream(info_hash: str):
    return jsonify({"success": True, "data": {"infoHash": info_hash.lower(), "stopped": service.stop_here(info_hash)}})
