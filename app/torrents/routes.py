"""/api/v1/torrents: a magnet or an info-hash in, a signed stream URL out (signed-in users or
the service key). The bytes themselves are ``stream_files.py``, served by the streamer."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from app.core.api import cross_field_rules
from app.core.envelope import envelope, ok
from app.core.identity import auth_required, current_identity
from app.torrents import service
from app.torrents.schemas import StopResultSchema, StreamReadySchema, StreamRequestSchema, TorrentStatusSchema

blp = Blueprint("torrents", __name__, description="Torrent streaming: magnet in, HTTP Range out while it downloads")

SOURCE_RULES = {
    "magnet": "a magnet link with a BitTorrent v1 info-hash (xt=urn:btih:<40 hex or 32 base32>), else 400 "
              "VALIDATION_ERROR naming magnet; one of magnet and infoHash is required (else 422 naming magnet)",
    "infoHash": "40 hexadecimal digits or 32 base32 characters, and the magnet's own when both are sent, else 400 "
                "VALIDATION_ERROR naming infoHash",
    "episode": "required with season (else 422 naming episode)",
}


def _user_id() -> int | None:
    identity = current_identity()
    return getattr(identity, "user_id", None)


@blp.route("/stream")
class Streams(MethodView):
    @auth_required
    @blp.arguments(StreamRequestSchema)
    @blp.response(200, envelope(StreamReadySchema))
    @blp.alt_response(400, response="BAD_REQUEST", description="VALIDATION_ERROR: a malformed magnet or hash")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY", description="NO_VIDEO_FILE")
    @blp.alt_response(502, response="BAD_GATEWAY", description="STREAM_FAILED")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE", description="NO_SEEDS")
    @blp.alt_response(507, response="INSUFFICIENT_STORAGE", description="DISK_BUDGET_EXCEEDED")
    @blp.alt_response(504, response="GATEWAY_TIMEOUT", description="METADATA_TIMEOUT")
    @cross_field_rules(**SOURCE_RULES)
    def post(self, body):
        """Start streaming a torrent: its metadata is fetched by a worker (once), the file chosen,
        and a signed URL returned that a <video> element plays with Range requests"""
        return ok(service.request_stream(body, _user_id()))


@blp.route("/stream/<info_hash>")
class StreamByHash(MethodView):
    @auth_required
    @blp.response(200, envelope(StopResultSchema))
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, info_hash: str):
        """Stop a stream and delete its downloaded files"""
        return ok(service.stop_stream(info_hash))


@blp.route("/stream/<info_hash>/status")
class StreamStatus(MethodView):
    @auth_required
    @blp.response(200, envelope(TorrentStatusSchema))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, info_hash: str):
        """A stream's state, progress, rates, peers and seeds, the pieces around the playhead and
        its time to first byte (also sent as Socket.IO torrent_progress to the user who asked)"""
        return ok(service.stream_status(info_hash))
