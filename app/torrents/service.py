"""The torrents domain's door: a magnet in, a signed stream URL out, and the bytes behind it.

``request_stream`` (web) parses the source, finds the torrent's stored metadata or has a
``torrents`` worker fetch it within the deadline, chooses the file and hands the stream to the
engine. ``open_file`` (the process serving the stream routes) checks the signed token and
returns what to send; a stream that is not running (an idle stop, a restart) is started again
from the stored metadata, so the token alone is enough to play.
"""
from __future__ import annotations

import atexit
import json
import secrets
import time
from urllib.parse import urlencode
from dataclasses import dataclass
from datetime import datetime, timezone

from flask import current_app, has_request_context, request
from sqlalchemy.exc import IntegrityError

from app.core import server_timing
from app.core.signed_urls import check, signed_query, stream_key
from app.errors import AppError, NotFoundError, ValidationError
from app.extensions import db, redis
from app.torrents import keys, streamers
from app.torrents.engine import BudgetExceeded, Engine, Stream, StreamError
from app.torrents.files import (FileChoiceError, TorrentFile, choose_file, display_name, subtitle_language,
                                subtitles_for)
from app.torrents.magnets import MagnetError, TorrentSource, parse_source
from app.torrents.metainfo import Metainfo, MetainfoError, read_info
from app.torrents.models import Torrent
from app.torrents.remux import needs_hls

FETCH_TASK = "workers.torrents.fetch_metadata"
URL_ROOT = "/api/v1/torrents/stream/"
ENGINE = "torrent_engine"


class TorrentError(AppError):
    code, status, message = "STREAM_FAILED", 502, "The torrent could not be streamed"


def init_app(app) -> None:
    """A streamer starts its engine at once, resuming the streams its last run left; a web
    process that streams itself does so at its first stream (never before a fork)."""
    app.extensions[ENGINE] = None
    if app.config.get("PROCESS_ROLE") == "streamer":
        with app.app_context():
            engine()


STATUS_TTL = 5
MAX_SUBTITLE_BYTES = 5 * 1024 * 1024
STOPPED_TTL = 24 * 3600


def engine() -> Engine:
    extensions = current_app.extensions
    if extensions.get(ENGINE) is None:
        app = current_app._get_current_object()

        def on_tick(stream: Stream) -> None:
            with app.app_context():
                _report(stream)

        def on_stop(info_hash: str, reason: str) -> None:
            with app.app_context():
                _stopped(info_hash, reason)

        created = extensions[ENGINE] = Engine(current_app.config, on_tick=on_tick, on_stop=on_stop)
        atexit.register(created.save_all)  # a graceful stop keeps what was downloaded for the restart
        created.resume(_stored_for_resume)
    return extensions[ENGINE]


def _stored_for_resume(info_hash: str) -> tuple[bytes, list, list] | None:
    record = stored(info_hash)
    return (record.info, record.trackers, record.peers) if record is not None else None


def _report(stream: Stream) -> None:
    """Once a second from the pump: the status for other processes, progress for the users."""
    status = stream.status()
    redis.client.set(keys.status(stream.info_hash), json.dumps(status), ex=STATUS_TTL)
    if stream.users:
        from app.platform import sockets
        from app.torrents.schemas import TorrentStatusSchema

        payload = TorrentStatusSchema().dump(status)
        for user_id in list(stream.users):
            sockets.to_user(str(user_id), "torrent_progress", payload)


def _stopped(info_hash: str, reason: str) -> None:
    pipe = redis.client.pipeline()
    pipe.delete(keys.status(info_hash))
    pipe.set(keys.stopped(info_hash), reason, ex=STOPPED_TTL)
    pipe.execute()


# -- metadata -----------------------------------------------------------------------------------
def source_from(body: dict) -> TorrentSource:
    try:
        return parse_source(body.get("magnet"), body.get("info_hash"))
    except MagnetError as exc:
        raise ValidationError(f"{exc.field} {exc}", field=exc.field, status=400) from None


def stored(info_hash: str) -> Torrent | None:
    return db.session.get(Torrent, info_hash)


def metadata_for(source: TorrentSource) -> Torrent:
    """The stored torrent, fetched by a ``torrents`` worker first when it is new."""
    record = stored(source.info_hash)
    if record is None:
        _fetch_in_worker(source)
        db.session.expire_all()
        record = stored(source.info_hash)
        if record is None:
            raise TorrentError("The metadata was fetched but could not be stored")
    record.last_requested_at = datetime.now(timezone.utc)
    db.session.commit()
    return record


def _fetch_in_worker(source: TorrentSource) -> None:
    timeout = current_app.config["TORRENT_METADATA_TIMEOUT"]
    reply = keys.metadata_reply(secrets.token_hex(12))
    payload = {"info_hash": source.info_hash, "name": source.name, "trackers": list(source.trackers),
               "peers": [list(p) for p in source.peers]}
    # a task still queued after the deadline is dropped: nobody waits for it any more
    sent = time.time()  # the worker reports its start on the same (wall) clock
    current_app.extensions["celery"].send_task(FETCH_TASK, args=(payload, reply, timeout), queue="torrents",
                                               ignore_result=True, expires=timeout + 5)
    deadline = time.monotonic() + timeout + 5  # the worker's own deadline, plus its set-up
    while time.monotonic() < deadline:
        # short waits: the client's read timeout stays shorter than any one of them
        answer = redis.client.blpop([reply], timeout=1)
        if answer:
            outcome = json.loads(answer[1])
            if "started" in outcome:
                server_timing.record("queue", outcome["started"] - sent)
                server_timing.record("metadata", outcome.get("fetchSeconds", 0.0))
            if outcome["ok"]:
                return
            if outcome["code"] == "NO_SEEDS":
                raise AppError("No peer of this torrent answered: it has no seeds reachable now",
                               code="NO_SEEDS", status=503, details={"infoHash": source.info_hash})
            if outcome["code"] == "METADATA_TIMEOUT":
                break
            raise TorrentError(outcome.get("message") or "The metadata could not be read",
                               details={"infoHash": source.info_hash})
    raise AppError(f"The torrent's metadata did not arrive within {timeout:g} s", code="METADATA_TIMEOUT",
                   status=504, details={"infoHash": source.info_hash, "timeoutSeconds": timeout})


def fetch_metadata(payload: dict, reply: str, timeout: float) -> str:
    """The ``torrents`` worker's side: fetch, store, and tell the waiting request."""
    from app.torrents import metadata

    started, clock = time.time(), time.monotonic()
    source = TorrentSource(payload["info_hash"], payload.get("name"), tuple(payload.get("trackers") or ()),
                           tuple((host, int(port)) for host, port in payload.get("peers") or ()))
    if stored(source.info_hash) is not None:
        outcome = {"ok": True}
    else:
        fetched = metadata.fetch(current_app.config, source, timeout)
        if fetched.info is None:
            outcome = {"ok": False, "code": "NO_SEEDS" if fetched.peers_seen == 0 else "METADATA_TIMEOUT"}
        else:
            outcome = _store(source, fetched.info, fetched.peers)
    outcome.update(started=started, fetchSeconds=round(time.monotonic() - clock, 4))
    redis.client.rpush(reply, json.dumps(outcome))
    redis.client.expire(reply, int(timeout) + 60)
    return outcome.get("code", "STORED")


def _store(source: TorrentSource, info: bytes, peers_met) -> dict:
    try:
        meta = read_info(info, source.info_hash)
    except MetainfoError as exc:
        return {"ok": False, "code": "STREAM_FAILED", "message": f"The torrent's metadata is not usable: {exc}"}
    peers = [list(p) for p in dict.fromkeys([*source.peers, *peers_met])]
    record = Torrent(info_hash=meta.info_hash, name=display_name(meta.name), info=info, total_size=meta.total_size,
                     piece_length=meta.piece_length, num_pieces=meta.num_pieces, file_count=len(meta.files),
                     trackers=list(source.trackers), peers=peers)
    db.session.add(record)
    try:
        db.session.commit()
    except IntegrityError:  # stored meanwhile by another fetch: the same bytes, by their hash
        db.session.rollback()
    return {"ok": True}


# -- streams ------------------------------------------------------------------------------------
def request_stream(body: dict, user_id: int | None) -> dict:
    source = source_from(body)
    record = metadata_for(source)
    handed = time.monotonic()
    meta = read_info(record.info)
    try:
        chosen = choose_file(list(meta.files), body.get("file_index"), body.get("season"), body.get("episode"))
    except FileChoiceError as exc:
        status = 422 if exc.code == "NO_VIDEO_FILE" else 400
        details = {"fields": {exc.field: [str(exc)]}} if exc.field else None
        raise AppError(str(exc), code=exc.code, status=status, details=details) from None
    streamer = streamers.routed(record.info_hash)
    if streamer is None:
        _start(record, chosen.index, user_id)
        base = _public_base()
    else:
        streamers.start(streamer, record.info_hash, chosen.index, user_id)
        base = streamer.public_url
    server_timing.record("streamer", time.monotonic() - handed)
    return describe(record, meta, chosen, base)


def start_here(info_hash: str, file_index: int, user_id: int | None) -> None:
    """The streamer's side of a start: the stored torrent, running in this process's engine."""
    record = stored(path_hash(info_hash))
    if record is None:
        raise NotFoundError("This torrent's metadata is not stored", code="STREAM_NOT_FOUND")
    if read_info(record.info).file(file_index) is None:
        raise ValidationError(f"The torrent has no file {file_index}", field="fileIndex")
    _start(record, file_index, user_id)


def _start(record: Torrent, file_index: int, user_id: int | None = None) -> Stream:
    try:
        stream = engine().open(record.info, record.trackers, record.peers, file_index)
    except StreamError as exc:
        details = ({"neededBytes": exc.needed, "budgetBytes": exc.budget, "inUseBytes": exc.in_use}
                   if isinstance(exc, BudgetExceeded) else None)
        raise AppError(str(exc), code=exc.code, status=exc.status, details=details) from None
    except RuntimeError as exc:  # libtorrent refused the torrent
        raise TorrentError(f"The streamer could not start the torrent: {exc}") from None
    file = stream.meta.file(file_index)
    if file is not None and file.is_video:
        for subtitle in subtitles_for(list(stream.meta.files), file):  # tiny, and wanted from the start
            stream.want(subtitle)
    if user_id:
        stream.users.add(user_id)
    return stream


def _public_base() -> str:
    return request.host_url.rstrip("/") if has_request_context() else ""


def stream_prefix(info_hash: str) -> str:
    return f"{URL_ROOT}{info_hash}/"


def _key() -> bytes:
    return stream_key(current_app.config["SECRET_KEY"], current_app.config["STREAM_SIGNING_KEY"])


def _kind(file: TorrentFile) -> str:
    return "video" if file.is_video else "subtitle" if file.is_subtitle else "other"


def describe(record: Torrent, meta: Metainfo, chosen: TorrentFile, public_base: str) -> dict:
    query, expires = signed_query(_key(), stream_prefix(record.info_hash), current_app.config["STREAM_URL_TTL"])
    base = f"{public_base}{URL_ROOT}{record.info_hash}"
    return {
        "status": "STREAM_READY",
        "stream_url": f"{base}/{chosen.index}?{query}",
        "hls_url": f"{base}/{chosen.index}/hls/index.m3u8?{query}" if needs_hls(chosen.suffix) else None,
        "info_hash": record.info_hash,
        "name": record.name,
        "video_file": display_name(chosen.name),
        "file_index": chosen.index,
        "size": chosen.size,
        "mime_type": chosen.mimetype,
        "expires_at": expires,
        "subtitles": [{"file_index": f.index, "name": display_name(f.name), "language": subtitle_language(f.name),
                       "url": f"{base}/{f.index}/subtitles.vtt?{query}"}
                      for f in subtitles_for(list(meta.files), chosen)],
        "files": [{"index": f.index, "path": display_name(f.path, 1024), "size": f.size, "kind": _kind(f)}
                  for f in meta.files if not f.pad],
    }


def check_token(info_hash: str, exp: str | None, st: str | None) -> None:
    prefix = stream_prefix(info_hash)
    check(_key(), prefix, prefix, exp, st, subject="torrent")


@dataclass(frozen=True)
class OpenFile:
    stream: Stream
    file: TorrentFile


def open_file(info_hash: str, file_index: int | None, exp: str | None, st: str | None) -> OpenFile:
    """The running stream and file a signed URL names, started again from the stored metadata
    when the streamer is not running it (or not that file: the disk budget is asked first)."""
    info_hash = path_hash(info_hash)
    check_token(info_hash, exp, st)
    stream = engine().get(info_hash)
    if stream is not None:
        meta = stream.meta
    else:
        record = stored(info_hash)
        if record is None:
            raise NotFoundError("This torrent is not known here; ask for a stream first", code="STREAM_NOT_FOUND")
        meta = read_info(record.info)
    index = file_index if file_index is not None else _default_index(meta)
    file = meta.file(index)
    if file is None or file.pad:
        raise NotFoundError("The torrent has no such file", code="FILE_NOT_FOUND")
    if stream is None or file.index not in stream.wanted:
        record = stored(info_hash)
        if record is None:
            raise NotFoundError("This torrent is not known here; ask for a stream first", code="STREAM_NOT_FOUND")
        stream = _start(record, file.index)
    return OpenFile(stream, file)


def subtitle_vtt(info_hash: str, file_index: int, exp: str | None, st: str | None) -> str:
    """A subtitle file of the torrent as WebVTT, once all its pieces are verified."""
    from app.media import service as media

    opened = open_file(info_hash, file_index, exp, st)
    stream, file = opened.stream, opened.file
    if not file.is_subtitle:
        raise NotFoundError("This file is not a subtitle (SRT or WebVTT)", code="FILE_NOT_FOUND")
    if file.size > MAX_SUBTITLE_BYTES:
        raise AppError("The subtitle file is too large to serve", code="SUBTITLE_TOO_LARGE", status=422)
    reader = stream.open_reader(file, 0)
    try:
        data = b"".join(stream.read(reader, 0, file.size - 1, current_app.config["TORRENT_READ_WAIT"])) \
            if file.size else b""
    finally:
        stream.close_reader(reader)
    if len(data) != file.size:
        raise AppError("The subtitle file has not arrived yet; try again", code="STREAM_NOT_READY", status=503,
                       headers={"Retry-After": "2"})
    try:
        return media.subtitles_as_webvtt(data)
    except ValueError as exc:
        raise AppError(f"The subtitle file cannot be read: {exc}", code="SUBTITLE_UNREADABLE", status=422) from None


def _default_index(meta: Metainfo) -> int:
    try:
        return choose_file(list(meta.files)).index
    except FileChoiceError:
        return -1


def path_hash(text: str) -> str:
    """An info-hash from a URL path: 40 hex digits, any case; anything else names nothing."""
    if len(text) != 40 or any(c not in "0123456789abcdefABCDEF" for c in text):
        raise NotFoundError("No torrent has this info-hash", code="STREAM_NOT_FOUND")
    return text.lower()


def stream_status(info_hash: str) -> dict:
    """The live status where this process runs the stream, else what its streamer last wrote,
    else why it stopped."""
    info_hash = path_hash(info_hash)
    stream = engine().get(info_hash)
    if stream is not None:
        return stream.status()
    published = redis.client.get(keys.status(info_hash))
    if published:
        return json.loads(published)
    record = stored(info_hash)
    reason = redis.client.get(keys.stopped(info_hash))
    if record is None and reason is None:
        raise NotFoundError("No stream of this torrent is known", code="STREAM_NOT_FOUND")
    return {"info_hash": info_hash, "name": record.name if record else None, "state": "stopped",
            "stopped_because": reason.decode() if isinstance(reason, bytes) else reason}


def stop_stream(info_hash: str) -> dict:
    info_hash = path_hash(info_hash)
    streamer = streamers.routed(info_hash)
    stopped = stop_here(info_hash) if streamer is None else streamers.stop(streamer, info_hash)
    if not stopped:
        raise NotFoundError("No stream of this torrent is running", code="STREAM_NOT_FOUND")
    return {"info_hash": info_hash, "stopped": True}


def stop_here(info_hash: str) -> bool:
    return engine().stop(path_hash(info_hash))


def redirect_to_streamer(info_hash: str) -> str | None:
    """Where a stream URL that reached a web process belongs, when streamers serve the bytes."""
    streamer = streamers.routed(info_hash.lower())
    return streamer.public_url if streamer is not None else None


def search_torrents(args: dict) -> dict:
    from app.torrents import search
    from app.torrents.torznab import Query

    query = Query(args.get("query"), args.get("imdb_id"), args.get("season"), args.get("episode"))
    return search.search(query, args["limit"])


# -- HLS for files browsers cannot play -------------------------------------------------------
SELF_URL_TTL = 3600


def _own_source(info_hash: str, file_index: int) -> str:
    """The file's byte URL on this very process, signed, for ffmpeg to read with Range."""
    base = current_app.config["TORRENT_SELF_URL"] or f"http://127.0.0.1:{request.environ.get('SERVER_PORT', '80')}"
    query, _ = signed_query(_key(), stream_prefix(info_hash), SELF_URL_TTL)
    return f"{base.rstrip('/')}{URL_ROOT}{info_hash}/{file_index}?{query}"


def _remuxable(info_hash: str, file_index: int, exp: str | None, st: str | None):
    from app.media import service as media
    from app.torrents import hls

    opened = open_file(info_hash, file_index, exp, st)
    if not opened.file.is_video:
        raise NotFoundError("This file is not a video", code="FILE_NOT_FOUND")
    opened.stream.touch()  # a player on cached segments reads no bytes, yet watches
    ffmpeg, source = media.ffmpeg_path(), _own_source(opened.stream.info_hash, opened.file.index)
    try:
        found = hls.probe(opened.stream, opened.file, ffmpeg, source)
    except hls.RemuxError as exc:
        raise AppError(str(exc), code="REMUX_FAILED", status=502) from None
    return opened, found, ffmpeg, source


def hls_playlist(info_hash: str, file_index: int, exp: str, st: str) -> str:
    """The VOD playlist of the file's HLS form: every segment, each URL carrying the token."""
    from app.torrents.remux import playlist

    _, found, _, _ = _remuxable(info_hash, file_index, exp, st)
    query = urlencode({"exp": exp, "st": st})
    return playlist(found.duration, lambda index: f"seg{index}.ts?{query}")


def hls_segment(info_hash: str, file_index: int, index: int, exp: str, st: str):
    from app.torrents import hls
    from app.torrents.remux import segment_count

    opened, found, ffmpeg, source = _remuxable(info_hash, file_index, exp, st)
    if not 0 <= index < segment_count(found.duration):
        raise NotFoundError("The playlist has no such segment", code="SEGMENT_NOT_FOUND")
    try:
        return hls.segment(opened.stream, opened.file, found, index, ffmpeg, source)
    except hls.RemuxError as exc:
        raise AppError(str(exc), code="REMUX_FAILED", status=502) from None
