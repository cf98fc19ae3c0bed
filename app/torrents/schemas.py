"""Wire shapes of the torrents domain: the original server's (``status: STREAM_READY``,
``streamUrl``...) in camelCase, inside the envelope."""
from __future__ import annotations

import marshmallow as ma

from app.catalog.schemas import Text
from app.core.schemas import CamelSchema




class StreamRequestSchema(CamelSchema):
    magnet = Text(max_length=8192, metadata={
        "description": "A magnet link (xt=urn:btih:...; its tr trackers and x.pe peer hints are used)"})
    info_hash = Text(max_length=40, metadata={"description": "A v1 info-hash: 40 hex digits or 32 base32 characters"})
    file_index = ma.fields.Integer(strict=True, validate=ma.validate.Range(min=0, max=100_000),
                                   metadata={"description": "The file to stream (default: the episode asked for, "
                                                            "else the largest video)"})
    season = ma.fields.Integer(strict=True, validate=ma.validate.Range(min=0, max=1000))
    episode = ma.fields.Integer(strict=True, validate=ma.validate.Range(min=0, max=10_000))

    @ma.validates_schema
    def _source(self, data, **kwargs):
        if not data.get("magnet") and not data.get("info_hash"):
            raise ma.ValidationError("a magnet link or an info-hash is required", "magnet")
        if data.get("season") is not None and data.get("episode") is None:
            raise ma.ValidationError("season needs episode", "episode")


class TorrentFileSchema(CamelSchema):
    index = ma.fields.Integer(required=True)
    path = ma.fields.String(required=True)
    size = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True, metadata={"enum": ["video", "subtitle", "other"]})


class TorrentSubtitleSchema(CamelSchema):
    file_index = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    language = ma.fields.String(allow_none=True)
    url = ma.fields.String(required=True, metadata={"description": "The track as WebVTT (signed like streamUrl)"})


class StreamReadySchema(CamelSchema):
    status = ma.fields.String(required=True, metadata={"enum": ["STREAM_READY"]})
    stream_url = ma.fields.String(required=True, metadata={
        "description": "The file's bytes with Range support, signed and expiring (a <video> src)"})
    hls_url = ma.fields.String(allow_none=True)
    info_hash = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    video_file = ma.fields.String(required=True)
    file_index = ma.fields.Integer(required=True)
    size = ma.fields.Integer(required=True)
    mime_type = ma.fields.String(required=True)
    expires_at = ma.fields.Integer(required=True, metadata={"description": "When the signed URLs expire (epoch s)"})
    subtitles = ma.fields.List(ma.fields.Nested(TorrentSubtitleSchema), required=True)
    files = ma.fields.List(ma.fields.Nested(TorrentFileSchema), required=True)


class PlayheadSchema(CamelSchema):
    file_index = ma.fields.Integer(required=True)
    position = ma.fields.Integer(required=True, metadata={"description": "The byte the latest reader is at"})
    piece = ma.fields.Integer(required=True)


class PieceMapSchema(CamelSchema):
    first_piece = ma.fields.Integer(required=True)
    pieces = ma.fields.String(required=True, metadata={
        "description": "One character per piece from firstPiece: 1 verified, 0 missing (64 around the playhead)"})


class TorrentStatusSchema(CamelSchema):
    info_hash = ma.fields.String(required=True)
    name = ma.fields.String(allow_none=True)
    state = ma.fields.String(required=True, metadata={
        "enum": ["connecting", "checking", "downloading", "complete", "stopped"]})
    stopped_because = ma.fields.String(allow_none=True, metadata={"enum": ["idle", "deleted", "evicted", None]})
    progress = ma.fields.Float(metadata={"description": "Percent of the files being streamed that is verified"})
    downloaded = ma.fields.Integer()
    size = ma.fields.Integer()
    download_rate = ma.fields.Integer(metadata={"description": "Bytes per second"})
    upload_rate = ma.fields.Integer(metadata={"description": "Bytes per second"})
    peers = ma.fields.Integer()
    seeds = ma.fields.Integer()
    readers = ma.fields.Integer(metadata={"description": "Responses reading it now"})
    file_indexes = ma.fields.List(ma.fields.Integer())
    piece_length = ma.fields.Integer()
    playhead = ma.fields.Nested(PlayheadSchema, allow_none=True)
    piece_map = ma.fields.Nested(PieceMapSchema, allow_none=True)
    time_to_first_byte = ma.fields.Float(allow_none=True, metadata={
        "description": "Seconds from the stream's start to its first verified byte out"})
    idle_seconds = ma.fields.Float(allow_none=True)


class StopResultSchema(CamelSchema):
    info_hash = ma.fields.String(required=True)
    stopped = ma.fields.Boolean(required=True)


class SearchArgsSchema(CamelSchema):
    query = Text(max_length=200, metadata={"description": "Words to search for"})
    imdb_id = Text(validate=ma.validate.Regexp(r"^tt\d{7,10}$", error="Must be an IMDb id such as tt0111161"),
                   metadata={"description": "An IMDb id (tt followed by digits)"})
    season = ma.fields.Integer(validate=ma.validate.Range(min=0, max=1000))
    episode = ma.fields.Integer(validate=ma.validate.Range(min=0, max=10_000))
    limit = ma.fields.Integer(load_default=50, validate=ma.validate.Range(min=1, max=200))

    @ma.validates_schema
    def _something_to_search(self, data, **kwargs):
        if not data.get("query") and not data.get("imdb_id"):
            raise ma.ValidationError("query or imdbId is required", "query")


class ReleaseSchema(CamelSchema):
    title = ma.fields.String(required=True)
    info_hash = ma.fields.String(required=True)
    magnet = ma.fields.String(required=True)
    size = ma.fields.Integer(allow_none=True)
    seeders = ma.fields.Integer(required=True)
    leechers = ma.fields.Integer(required=True)
    quality = ma.fields.String(allow_none=True, metadata={"description": "Guessed from the title: 2160p, 1080p, "
                                                                          "720p, 480p or CAM"})
    codec = ma.fields.String(allow_none=True, metadata={"description": "Guessed from the title: HEVC, AV1, H.264, "
                                                                        "VP9 or XviD"})
    indexers = ma.fields.List(ma.fields.String(), required=True)
    published_at = ma.fields.String(allow_none=True)


class FailedIndexerSchema(CamelSchema):
    indexer = ma.fields.String(required=True)
    reason = ma.fields.String(required=True)


class SearchResultSchema(CamelSchema):
    results = ma.fields.List(ma.fields.Nested(ReleaseSchema), required=True, metadata={
        "description": "Best first: seeded before unseeded, real releases before camera copies, then seeders, "
                       "resolution and size; one per info-hash"})
    total = ma.fields.Integer(required=True)
    failed_indexers = ma.fields.List(ma.fields.Nested(FailedIndexerSchema), required=True)


class TorrentHealthSchema(CamelSchema):
    status = ma.fields.String(required=True, metadata={"enum": ["ok"]})
    service = ma.fields.String(required=True)
    streamers = ma.fields.Integer(required=True, metadata={"description": "0: the web process streams itself"})
    indexers = ma.fields.Integer(required=True)
    timestamp = ma.fields.String(required=True)
