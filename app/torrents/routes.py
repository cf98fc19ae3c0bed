"""Torrent streaming over HTTP: ``/api/v1/torrents`` and the original server's paths under
``/api`` (``/api/health``, ``/api/search``, ``/api/stream...``), the same operations with the
same shapes. Every route needs a signed-in user or the service key, except ``/api/health``; the
bytes themselves are ``stream_files.py``, authorised by the signed URL and served by the
streamer."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from app.core.api import cross_field_rules
from app.core.envelope import envelope, ok
from app.core.identity import auth_required, current_identity
from app.torrents import service
from app.torrents.schemas import (SearchArgsSchema, SearchResultSchema, StopResultSchema, StreamReadySchema,
                                  StreamRequestSchema, TorrentHealthSchema, TorrentStatusSchema)

blp = Blueprint("torrents", __name__, description="Torrent streaming: magnet in, HTTP Range out while it downloads")
legacy_blp = Blueprint("torrents_original", __name__,
                       description="The original streaming server's paths: the same operations as /api/v1/torrents")

SOURCE_RULES = {
    "magnet": "a magnet link with a BitTorrent v1 info-hash (xt=urn:btih:<40 hex or 32 base32>), else 400 "
              "VALIDATION_ERROR naming magnet; one of magnet and infoHash is required (else 422 naming magnet)",
    "infoHash": "40 hexadecimal digits or 32 base32 characters, and the magnet's own when both are sent, else 400 "
                "VALIDATION_ERROR naming infoHash",
    "episode": "required with season (else 422 naming episode)",
}
SEARCH_RULES = {"query": "query or imdbId is required (else 422 naming query)"}


def _user_id() -> int | None:
    return getattr(current_identity(), "user_id", None)


def _register(bp: Blueprint) -> None:
    """The operations, on one blueprint (each path form gets its own classes)."""

    @bp.route("/search")
    class Search(MethodView):
        @auth_required
        @bp.arguments(SearchArgsSchema, location="query")
        @bp.response(200, envelope(SearchResultSchema))
        @bp.alt_response(502, response="BAD_GATEWAY", description="SEARCH_FAILED: every indexer failed")
        @bp.alt_response(503, response="SERVICE_UNAVAILABLE", description="SEARCH_UNAVAILABLE: no indexer set")
        @cross_field_rules(**SEARCH_RULES)
        def get(self, args):
            """Search the Torznab indexers (Jackett, Prowlarr) by words or IMDb id, optionally for one
            episode: normalised results, best first, one per info-hash"""
            return ok(service.search_torrents(args))

    @bp.route("/stream")
    class Streams(MethodView):
        @auth_required
        @bp.arguments(StreamRequestSchema)
        @bp.response(200, envelope(StreamReadySchema))
        @bp.alt_response(400, response="BAD_REQUEST", description="VALIDATION_ERROR: a malformed magnet or hash")
        @bp.alt_response(422, response="UNPROCESSABLE_ENTITY", description="NO_VIDEO_FILE")
        @bp.alt_response(502, response="BAD_GATEWAY", description="STREAM_FAILED")
        @bp.alt_response(503, response="SERVICE_UNAVAILABLE", description="NO_SEEDS")
        @bp.alt_response(504, response="GATEWAY_TIMEOUT", description="METADATA_TIMEOUT")
        @bp.alt_response(507, response="INSUFFICIENT_STORAGE", description="DISK_BUDGET_EXCEEDED")
        @cross_field_rules(**SOURCE_RULES)
        def post(self, body):
            """Start streaming a torrent: its metadata is fetched by a worker (once), the file chosen,
            and a signed URL returned that a <video> element plays with Range requests"""
            return ok(service.request_stream(body, _user_id()))

    @bp.route("/stream/<info_hash>")
    class StreamByHash(MethodView):
        @auth_required
        @bp.response(200, envelope(StopResultSchema))
        @bp.alt_response(404, response="NOT_FOUND")
        def delete(self, info_hash: str):
            """Stop a stream and delete its downloaded files"""
            return ok(service.stop_stream(info_hash))

    @bp.route("/stream/<info_hash>/status")
    class StreamStatus(MethodView):
        @auth_required
        @bp.response(200, envelope(TorrentStatusSchema))
        @bp.alt_response(404, response="NOT_FOUND")
        def get(self, info_hash: str):
            """A stream's state, progress, rates, peers and seeds, the pieces around the playhead and
            its time to first byte (also sent as Socket.IO torrent_progress to the user who asked)"""
            return ok(service.stream_status(info_hash))


_register(blp)
_register(legacy_blp)


@legacy_blp.route("/health")
class Health(MethodView):
    @legacy_blp.response(200, envelope(TorrentHealthSchema))
    def get(self):
        """The streaming service is up (no sign-in: for load balancers and the original clients)"""
        config = current_app.config
        return ok({"status": "ok", "service": "marquee-torrents", "streamers": len(config["STREAMERS"]),
                   "indexers": len(config["TORZNAB_URLS"]),
                   "timestamp": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")})
