"""The bytes of a torrent's file: ``/api/v1/torrents/stream/<info-hash>[/<file index>]``.

Served by the streamer (the ``stream`` mount). Authorised by the signed token in the URL (a
``<video>`` element sends no headers). ``Range`` (one range; several get the whole file, as RFC
9110 allows), ``HEAD``, 206 and 416. Only hash-checked bytes go out: the response waits for the
first piece (503 ``STREAM_NOT_READY`` with ``Retry-After`` if it does not come), then streams
piece by piece; a later piece that does not come within ``TORRENT_READ_WAIT`` ends the response
early, so the player asks again from where it stopped.
"""
from __future__ import annotations

import time

from flask import Blueprint, Response, current_app, redirect, request, send_file
from flask_limiter import ExemptionScope

from app.core import server_timing
from app.errors import AppError
from app.extensions import limiter
from app.torrents import service

blp = Blueprint("torrent_stream", __name__)
legacy_blp = Blueprint("torrent_stream_original", __name__)  # the original server's /api/stream/<hash>


def _stream_limit() -> str:
    return current_app.config["TORRENT_STREAM_RATE_LIMIT"]


for _blueprint in (blp, legacy_blp):
    limiter.exempt(_blueprint, flags=ExemptionScope.APPLICATION | ExemptionScope.DEFAULT)
    limiter.limit(_stream_limit)(_blueprint)


@legacy_blp.route("/<info_hash>", methods=["GET", "HEAD"])
@legacy_blp.route("/<info_hash>/<int:file_index>", methods=["GET", "HEAD"])
@blp.route("/<info_hash>", methods=["GET", "HEAD"])
@blp.route("/<info_hash>/<int:file_index>", methods=["GET", "HEAD"])
def stream_file(info_hash: str, file_index: int | None = None):
    streamer = service.redirect_to_streamer(info_hash)
    if streamer is not None:  # a web process, with streamers to serve the bytes: send the player there
        return redirect(f"{streamer}{request.full_path.rstrip('?')}", code=307)
    opened = service.open_file(info_hash, file_index, request.args.get("exp"), request.args.get("st"))
    stream, file = opened.stream, opened.file
    size = file.size
    headers = {"Accept-Ranges": "bytes", "Cache-Control": "private, no-transform",
               "ETag": f'"{stream.info_hash}-{file.index}"'}
    byte_range = request.range.range_for_length(size) if request.range and size else None
    if request.range and request.range.units == "bytes" and len(request.range.ranges) == 1 and byte_range is None:
        return Response(status=416, headers={**headers, "Content-Range": f"bytes */{size}"})
    if_range = request.headers.get("If-Range")
    if byte_range is not None and if_range and if_range != headers["ETag"]:
        byte_range = None  # the client's copy is another: the whole file
    start, stop = byte_range if byte_range else (0, size)
    status = 206 if byte_range else 200
    if status == 206:
        headers["Content-Range"] = f"bytes {start}-{stop - 1}/{size}"
    headers["Content-Length"] = str(stop - start)
    if request.method == "HEAD" or stop <= start:
        return Response(status=status, headers=headers, mimetype=file.mimetype)
    reader = stream.open_reader(file, start)
    wait = current_app.config["TORRENT_READ_WAIT"]
    waited = time.monotonic()
    if not stream.wait_for(stream.span(file).piece_at(start), wait):
        stream.close_reader(reader)
        raise AppError("The torrent's first bytes have not arrived yet; try again", code="STREAM_NOT_READY",
                       status=503, headers={"Retry-After": "2"})
    server_timing.record("piece", time.monotonic() - waited)  # until the first piece passed its hash check

    def body():
        try:
            yield from stream.read(reader, start, stop - 1, wait)
        finally:
            stream.close_reader(reader)

    return Response(body(), status=status, headers=headers, mimetype=file.mimetype, direct_passthrough=True)


@legacy_blp.route("/<info_hash>/<int:file_index>/subtitles.vtt", methods=["GET", "HEAD"])
@blp.route("/<info_hash>/<int:file_index>/subtitles.vtt", methods=["GET", "HEAD"])
def subtitle_file(info_hash: str, file_index: int):
    """A subtitle file of the torrent (SRT or WebVTT) as WebVTT, for a <track> element."""
    streamer = service.redirect_to_streamer(info_hash)
    if streamer is not None:
        return redirect(f"{streamer}{request.full_path.rstrip('?')}", code=307)
    text = service.subtitle_vtt(info_hash, file_index, request.args.get("exp"), request.args.get("st"))
    return Response(text, mimetype="text/vtt", headers={"Cache-Control": "private, max-age=3600"})


def _to_streamer(info_hash: str):
    streamer = service.redirect_to_streamer(info_hash)
    return redirect(f"{streamer}{request.full_path.rstrip('?')}", code=307) if streamer is not None else None


@legacy_blp.route("/<info_hash>/<int:file_index>/hls/index.m3u8", methods=["GET", "HEAD"])
@blp.route("/<info_hash>/<int:file_index>/hls/index.m3u8", methods=["GET", "HEAD"])
def hls_playlist(info_hash: str, file_index: int):
    """The HLS form of a file browsers cannot play: a VOD playlist of 6 s segments."""
    elsewhere = _to_streamer(info_hash)
    if elsewhere is not None:
        return elsewhere
    text = service.hls_playlist(info_hash, file_index, request.args.get("exp"), request.args.get("st"))
    return Response(text, mimetype="application/vnd.apple.mpegurl", headers={"Cache-Control": "private, no-cache"})


@legacy_blp.route("/<info_hash>/<int:file_index>/hls/seg<int:segment>.ts", methods=["GET", "HEAD"])
@blp.route("/<info_hash>/<int:file_index>/hls/seg<int:segment>.ts", methods=["GET", "HEAD"])
def hls_segment(info_hash: str, file_index: int, segment: int):
    elsewhere = _to_streamer(info_hash)
    if elsewhere is not None:
        return elsewhere
    path = service.hls_segment(info_hash, file_index, segment, request.args.get("exp"), request.args.get("st"))
    response = send_file(path, mimetype="video/mp2t", conditional=True, max_age=3600)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
