"""The streamer's engine: one libtorrent session per process and the streams it serves.

A stream is one torrent, added from its stored info dictionary (never fetched again), with the
files asked for wanted and the rest left alone. Readers (HTTP responses) register where they
read; the pieces under and ahead of each reader get deadlines, a seek clears the old ones, and
only pieces libtorrent has hash-checked are ever read from disk. A video file's first piece is
asked for as soon as the file is wanted, and the pieces holding its index (an MP4 ``moov`` at the
end, Matroska ``Cues``) right after it, before any player asks. A pump thread drains alerts,
stops streams nobody has read for the idle timeout and keeps the disk budget.

No Flask here: the engine takes the app's config mapping and is owned by the service.
"""
from __future__ import annotations

import errno
import itertools
from collections import OrderedDict
import logging
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import libtorrent as lt

from app.torrents.container import index_range
from app.torrents.files import TorrentFile
from app.torrents.metainfo import Metainfo, read_info, torrent_info
from app.torrents.pieces import NEAR_PIECES, ReadAhead, Span, bitrate_of, is_seek, sequential_reaches
from app.torrents import resume as saved_state
from app.torrents.sessions import new_session

log = logging.getLogger(__name__)

CHUNK = 256 * 1024
MAX_NAME_BYTES = 255
PIECE_MAP_BEFORE, PIECE_MAP_AFTER = 8, 55  # the piece map: 64 pieces around the playhead
CACHE_BYTES = 32 * 1024 * 1024  # per stream
POLL_SECONDS = 0.01
PUMP_SECONDS = 0.25  # between alert rounds when no piece read waits
TICK_SECONDS = 1.0  # idle sweep and progress reports
SAVE_SECONDS = 10.0  # resume data of streams that changed, for a restart
BUSY_PUMP_SECONDS = 0.003  # while one does
WANTED, UNWANTED = 4, 0
CHECK_WAIT_SECONDS = 0.5  # at most, for a new torrent's resume data check before it is resumed
HEAD_WAIT_SECONDS = 30.0  # the pump watches closely for a wanted video's first piece this long
MAX_INDEX_PIECES = 64  # an index's first pieces hurried at once; the player's own reads bring the rest
CACHE_DIR = ".hls"  # what the streamer makes from a stream's files (HLS segments), inside its directory
CACHE_KEEP_NEWEST = 3  # cached files never pruned to keep the budget: the one just made and its prefetches


class StreamError(Exception):
    def __init__(self, message: str, code: str, status: int) -> None:
        super().__init__(message)
        self.code, self.status = code, status


class UnsafePath(StreamError):
    def __init__(self, path: str) -> None:
        super().__init__(f"The torrent's file {path!r} would leave its download directory", "UNSAFE_PATH", 422)


class Reader:
    """One response reading one file; where it is tells the stream which pieces to hurry."""

    _ids = itertools.count(1)

    def __init__(self, file: TorrentFile, position: int) -> None:
        self.id = next(self._ids)
        self.file = file
        self.position = position


class Stream:
    def __init__(self, engine: Engine, meta: Metainfo, handle: lt.torrent_handle, directory: Path) -> None:
        self.engine = engine
        self.meta = meta
        self.info_hash = meta.info_hash
        self.handle = handle
        self.directory = directory
        self.cache_dir = directory / CACHE_DIR
        self.cache_bytes = _segments_left(self.cache_dir)  # a restart finds its segments again
        self.wanted: set[int] = set()
        self.durations: dict[int, float] = {}  # seconds of a file's video, once known
        self.users: set[int] = set()
        self.started = time.monotonic()
        self.last_active = time.monotonic()
        self.first_byte_seconds: float | None = None
        self._readers: dict[int, Reader] = {}
        self._playhead: Reader | None = None
        # the HLS form of its files (app/torrents/hls.py): probes, and the segment runs in flight
        self.remux: dict = {"probes": {}, "running": {}, "lock": threading.Lock()}
        self._deadlined: set[int] = set()
        self._heads: dict[int, int] = {}  # first piece -> file index, for files whose index is not looked for yet
        self._heads_until = 0.0
        self._index_pieces: set[int] = set()  # pieces of a file's index not verified yet
        self._frontiers: dict[int, int] = {}  # a file's offset -> its first missing piece
        self._pending: dict[int, _PieceWaiter] = {}  # read_piece calls not answered yet
        self._cache: OrderedDict[int, bytes] = OrderedDict()  # recent pieces, for small reads
        self._lock = threading.RLock()

    # -- files ------------------------------------------------------------------------------
    def span(self, file: TorrentFile) -> Span:
        return Span(file.offset, file.size, self.meta.piece_length)

    @staticmethod
    def check_path(directory: Path, file: TorrentFile) -> Path:
        """Where the file's bytes go on disk: inside ``directory``, or refused. libtorrent has
        sanitised the path already (``..``, absolute paths, NUL); this holds whatever it missed."""
        root = directory.resolve()
        path = (root / file.path).resolve()
        parts = file.path.split("/")
        if ("\x00" in file.path or not path.is_relative_to(root) or path == root
                or any(len(part.encode()) > MAX_NAME_BYTES or part in ("", ".", "..") for part in parts)):
            raise UnsafePath(file.path)
        return path

    def path_of(self, file: TorrentFile) -> Path:
        return self.check_path(self.directory, file)

    def want(self, file: TorrentFile) -> None:
        self.path_of(file)
        with self._lock:
            if file.index in self.wanted:
                return
            self.wanted.add(file.index)
            priorities = [WANTED if i in self.wanted else UNWANTED for i in range(len(self.meta.files))]
            self.handle.prioritize_files(priorities)
            self.handle.resume()
            saved_state.write_state(self.directory, self.wanted)
            self.ask_for_head(file)

    def ask_for_head(self, file: TorrentFile) -> None:
        """A video's first piece now (read as soon as it is verified, even if it is already),
        so its index can be asked for before a player gets there."""
        if not file.is_video or file.size == 0:
            return
        first = self.span(file).first_piece
        if first not in self._heads:  # asked again after a replan: the first ask's watch stands
            self._heads_until = time.monotonic() + HEAD_WAIT_SECONDS
        self._heads[first] = file.index
        self.handle.set_piece_deadline(first, 0, lt.deadline_flags_t.alert_when_available)
        self._deadlined.add(first)

    def _hurry_index(self, piece: int, data: bytes) -> None:
        """The first piece of a wanted video arrived: deadlines on the pieces of its index."""
        index = self._heads.pop(piece, None)
        if index is None:
            return
        file = self.meta.files[index]
        span = self.span(file)
        at = span.offset - piece * self.meta.piece_length
        found = index_range(data[at:at + file.size], file.size)
        if found is not None:
            pieces = span.pieces(found[0], found[1] - 1)[:MAX_INDEX_PIECES]
            self._index_pieces.update(p for p in pieces if not self.has(p))
            self._replan()

    @property
    def committed_bytes(self) -> int:
        """What the stream may take on disk: the whole of every file it wants, and its cache."""
        return sum(self.meta.files[i].size for i in self.wanted) + self.cache_bytes

    def prune_cache(self, needed: int) -> int:
        """Delete cached segments, least recently made first (never the newest few, nor one being
        made: those are ``.part`` files), until ``needed`` bytes are free or nothing more may go:
        the bytes freed."""
        made = []
        for path in self.cache_dir.glob("*/seg*.ts"):
            try:
                made.append((path.stat().st_mtime, path))
            except OSError:  # gone meanwhile
                continue
        made.sort()
        freed = 0
        for _, path in made[:max(0, len(made) - CACHE_KEEP_NEWEST)]:
            if freed >= needed:
                break
            try:
                size = path.stat().st_size
                path.unlink()
            except OSError:
                continue
            freed += size
        self.cache_bytes = max(0, self.cache_bytes - freed)
        return freed

    # -- readers ----------------------------------------------------------------------------
    def has(self, piece: int) -> bool:
        return self.handle.have_piece(piece)

    def _bitrate(self, file: TorrentFile) -> int | None:
        return bitrate_of(file.size, self.durations.get(file.index))

    def _frontier(self, span: Span) -> int:
        """The file's first missing piece: where the sequential picker is."""
        piece = max(self._frontiers.get(span.offset, span.first_piece), span.first_piece)
        while piece <= span.last_piece and self.has(piece):
            piece += 1
        self._frontiers[span.offset] = piece
        return piece

    def _window_pieces(self, file: TorrentFile) -> int:
        """How many pieces the read-ahead window of ``file`` spans now."""
        window = self.engine.read_ahead.window_bytes(self._bitrate(file), self.handle.status().download_rate)
        return max(NEAR_PIECES, -(-window // self.meta.piece_length))

    def touch(self) -> None:
        """Somebody is watching without reading bytes (cached HLS segments): not idle."""
        self.last_active = time.monotonic()

    def _hurry(self, reader: Reader, opening: bool = False) -> None:
        """A deadline for the piece ``reader`` waits for, and for the window ahead of it unless
        the sequential picker is about to bring that anyway. A reader just opened on a missing
        piece gets that piece alone: a window set at a jump shares the peers' queues with the one
        piece the player waits for (measured: 2-8 times slower); it follows once the reader moves."""
        file = reader.file
        span = self.span(file)
        piece = span.piece_at(min(reader.position, max(0, span.size - 1)))
        if sequential_reaches(piece, self._frontier(span)) or (opening and not self.has(piece)):
            plan = [(piece, 0)]
        else:
            rate = self.handle.status().download_rate
            plan = self.engine.read_ahead.plan(span, reader.position, self._bitrate(file), rate)
        for piece, ms in plan:
            if piece not in self._deadlined and not self.has(piece):
                self.handle.set_piece_deadline(piece, ms)
                self._deadlined.add(piece)

    def _replan(self) -> None:
        """A reader jumped, or an index was found: forget every deadline and set them again, for
        where readers are now (the most recent first), then the indexes and first pieces still
        awaited. The first deadline set on an empty list makes libtorrent cancel every other
        request in flight, so the peers send these pieces next instead of after what the
        sequential picker had queued (measured: one piece sooner at a seek)."""
        self.handle.clear_piece_deadlines()
        self._deadlined.clear()
        for reader in sorted(self._readers.values(), key=lambda r: -r.id):
            self._hurry(reader, opening=True)
        self._index_pieces = {piece for piece in self._index_pieces if not self.has(piece)}
        for piece in sorted(self._index_pieces):
            if piece not in self._deadlined:
                self.handle.set_piece_deadline(piece, 0)
                self._deadlined.add(piece)
        for first in list(self._heads):  # still awaited: ask again
            self.ask_for_head(self.meta.files[self._heads[first]])

    def _move(self, reader: Reader, position: int) -> None:
        with self._lock:
            reader.position = position
            self._playhead = reader
            self.last_active = time.monotonic()
            self._hurry(reader)

    def open_reader(self, file: TorrentFile, start: int) -> Reader:
        self.want(file)
        with self._lock:
            span = self.span(file)
            reading = [span.piece_at(r.position) for r in self._readers.values() if r.file.index == file.index]
            reader = Reader(file, start)
            self._readers[reader.id] = reader
            self._playhead = reader
            self.last_active = time.monotonic()
            piece = span.piece_at(min(start, max(0, span.size - 1)))
            jumped = not self.has(piece) and not sequential_reaches(piece, self._frontier(span))
            # a read inside another's read-ahead window (an HLS prefetch, a player's second
            # connection) is no jump: replanning would cancel what that reader waits for
            if jumped and (not reading or is_seek(piece, reading, near=self._window_pieces(file))):
                self._replan()
            else:
                self._hurry(reader, opening=True)
            return reader

    def close_reader(self, reader: Reader) -> None:
        with self._lock:
            self._readers.pop(reader.id, None)
            self.last_active = time.monotonic()

    @property
    def reader_count(self) -> int:
        return len(self._readers)

    def status(self) -> dict:
        """What the status endpoint and the progress events show: how far it is, how fast,
        with whom, and the pieces around the most recent reader."""
        status = self.handle.status(lt.status_flags_t.query_pieces)
        have = status.pieces
        done_per_file = self.handle.file_progress(lt.torrent_handle.piece_granularity)
        wanted = [self.meta.files[i] for i in sorted(self.wanted)]
        size = sum(f.size for f in wanted)
        done = sum(done_per_file[f.index] for f in wanted)
        if size and done >= size:
            state = "complete"
        elif str(status.state).startswith("checking"):
            state = "checking"
        elif status.num_peers == 0 and done == 0:
            state = "connecting"
        else:
            state = "downloading"
        latest = self._playhead  # the latest read, open or finished
        playhead = piece_map = None
        if latest is not None:
            span = self.span(latest.file)
            piece = span.piece_at(min(latest.position, max(0, span.size - 1)))
            first, last = max(span.first_piece, piece - PIECE_MAP_BEFORE), min(span.last_piece,
                                                                                piece + PIECE_MAP_AFTER)
            playhead = {"file_index": latest.file.index, "position": latest.position, "piece": piece}
            piece_map = {"first_piece": first, "pieces": "".join("1" if have[p] else "0" for p in range(first, last + 1))}
        return {
            "info_hash": self.info_hash,
            "name": self.meta.name,
            "state": state,
            "progress": round(100.0 * done / size, 2) if size else 0.0,
            "downloaded": done,
            "size": size,
            "download_rate": status.download_payload_rate,
            "upload_rate": status.upload_payload_rate,
            "peers": status.num_peers,
            "seeds": status.num_seeds,
            "readers": len(self._readers),
            "file_indexes": [f.index for f in wanted],
            "piece_length": self.meta.piece_length,
            "playhead": playhead,
            "piece_map": piece_map,
            "time_to_first_byte": round(self.first_byte_seconds, 3) if self.first_byte_seconds is not None else None,
            "idle_seconds": round(time.monotonic() - self.last_active, 1) if not self._readers else 0.0,
        }

    def wait_for(self, piece: int, timeout: float) -> bool:
        """Wait (cooperatively) until ``piece`` has passed its hash check."""
        deadline = time.monotonic() + timeout
        while not self.has(piece):
            if time.monotonic() >= deadline or self.engine.streams.get(self.info_hash) is not self:
                return False
            time.sleep(POLL_SECONDS)
        return True

    def piece_data(self, piece: int, timeout: float) -> bytes | None:
        """The bytes of a piece libtorrent has verified, read through libtorrent itself: a piece
        is checked before its bytes reach the file, so reading the file could still see zeros."""
        with self._lock:
            cached = self._cache.get(piece)
            if cached is not None:
                self._cache.move_to_end(piece)
                return cached
            waiter = self._pending.get(piece)
            if waiter is None:
                waiter = self._pending[piece] = _PieceWaiter()
                self.handle.read_piece(piece)
        self.engine.wake()
        if not waiter.done.wait(timeout):
            with self._lock:
                if self._pending.get(piece) is waiter:
                    del self._pending[piece]
            return None
        return waiter.data

    def deliver(self, piece: int, data: bytes | None) -> None:
        """A read_piece answer from the pump: wake whoever waits, keep a few recent pieces, and
        ask for the index when it is a video's first piece."""
        with self._lock:
            waiter = self._pending.pop(piece, None)
            if data is not None:
                self._cache[piece] = data
                self._cache.move_to_end(piece)
                while len(self._cache) > 1 and sum(len(d) for d in self._cache.values()) > CACHE_BYTES:
                    self._cache.popitem(last=False)
        if waiter is not None:
            waiter.data = data
            waiter.done.set()
        if data is not None and piece in self._heads:
            with self._lock:
                try:
                    self._hurry_index(piece, data)
                except RuntimeError as exc:  # the torrent went meanwhile
                    log.info("torrent index of %s not asked for: %s", self.info_hash, exc)

    def release_waiters(self) -> None:
        """The stream stopped: whoever waits for a piece stops waiting."""
        with self._lock:
            waiters, self._pending = list(self._pending.values()), {}
        for waiter in waiters:
            waiter.done.set()

    @property
    def reading(self) -> bool:
        """Whether a piece read is awaited: the pump then turns quickly."""
        return bool(self._pending) or bool(self._heads and time.monotonic() < self._heads_until)

    def read(self, reader: Reader, start: int, end: int, wait: float) -> Iterator[bytes]:
        """The file's bytes ``start``..``end`` (inclusive), each only once its piece is verified.
        A piece that does not come within ``wait`` seconds ends the iterator early: the
        response is cut and the player asks again."""
        file = reader.file
        span = self.span(file)
        position = start
        while position <= end:
            piece = span.piece_at(position)
            data = self.piece_data(piece, wait) if self.wait_for(piece, wait) else None
            if data is None:
                log.info("torrent read ended: piece %s of %s did not arrive within %ss", piece, self.info_hash, wait)
                return
            if self.first_byte_seconds is None:
                self.first_byte_seconds = time.monotonic() - self.started
            piece_start = piece * self.meta.piece_length
            low = span.offset + position - piece_start
            high = min(len(data), span.offset + end + 1 - piece_start)
            if high <= low:
                return  # libtorrent gave less than the piece: end, never pad
            view = memoryview(data)
            for at in range(low, high, CHUNK):
                yield bytes(view[at:min(high, at + CHUNK)])
            position += high - low
            self._move(reader, position)


class _PieceWaiter:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.data: bytes | None = None


class BudgetExceeded(StreamError):
    def __init__(self, needed: int, budget: int, in_use: int) -> None:
        super().__init__(f"The streamer's disk budget ({budget} bytes) has no room for {needed} more bytes: "
                         f"{in_use} are held by streams being watched", "DISK_BUDGET_EXCEEDED", 507)
        self.needed, self.budget, self.in_use = needed, budget, in_use


# why a stream stopped, as its status tells it afterwards
STOPPED_IDLE, STOPPED_DELETED, STOPPED_EVICTED = "idle", "deleted", "evicted"


class Engine:
    """One libtorrent session and its streams. ``on_tick(stream)`` is called by the pump about
    once a second for every running stream; ``on_stop(info_hash, reason)`` when one stops."""

    def __init__(self, config, on_tick: Callable[[Stream], None] | None = None,
                 on_stop: Callable[[str, str], None] | None = None) -> None:
        self.config = config
        self.root = Path(config["TORRENT_DOWNLOAD_DIR"])
        self.read_ahead = ReadAhead(seconds=config["TORRENT_READAHEAD_SECONDS"])
        self.idle_timeout = config["TORRENT_IDLE_TIMEOUT"]
        self.budget = config["TORRENT_DISK_BUDGET"]
        self.on_tick = on_tick
        self.on_stop = on_stop
        self.streams: dict[str, Stream] = {}
        self.stopped: dict[str, str] = {}  # info-hash -> why, for status after the stop
        self.closed = False
        self._session: lt.session | None = None
        self._lock = threading.RLock()
        self._pump: threading.Thread | None = None
        self._wake = threading.Event()
        self._last_tick = 0.0
        self._last_save = time.monotonic()
        self._saving_answers = 0  # save_resume_data answers handled (success or failure)

    @property
    def session(self) -> lt.session:
        with self._lock:
            if self._session is None:
                self.root.mkdir(parents=True, exist_ok=True)
                self._session = new_session(self.config)
                self._pump = threading.Thread(target=self._run_pump, name="torrent-pump", daemon=True)
                self._pump.start()
            return self._session

    # -- streams ----------------------------------------------------------------------------
    def get(self, info_hash: str) -> Stream | None:
        return self.streams.get(info_hash)

    def open(self, info: bytes, trackers: list[str], peers: list, file_index: int | None = None) -> Stream:
        """The running stream of this torrent, added from its info dictionary when new, with
        ``file_index`` wanted. Room on disk is made first (idle streams go, oldest first), or
        ``BudgetExceeded`` says why there is none."""
        meta = read_info(info)
        with self._lock:
            stream = self.streams.get(meta.info_hash)
            file = meta.file(file_index) if file_index is not None else None
            if file is not None:
                if stream is not None:
                    stream.path_of(file)
                else:
                    Stream.check_path(self.root / meta.info_hash, file)
            needed = file.size if file is not None and (stream is None or file.index not in stream.wanted) else 0
            if needed:
                self._make_room(needed, keep=meta.info_hash)
            if stream is None:
                stream = self._add(meta, info, trackers, peers, file)
            if file is not None:
                stream.want(file)
            self.stopped.pop(meta.info_hash, None)
            return stream

    def _make_room(self, needed: int, keep: str) -> None:
        if needed > self.budget:
            raise BudgetExceeded(needed, self.budget, 0)
        idle = sorted((s for s in self.streams.values() if s.reader_count == 0 and s.info_hash != keep),
                      key=lambda s: s.last_active)
        while self.disk_usage() + needed > self.budget and idle:
            self.stop(idle.pop(0).info_hash, STOPPED_EVICTED)
        if self.disk_usage() + needed > self.budget:
            raise BudgetExceeded(needed, self.budget, self.disk_usage())

    def _add(self, meta: Metainfo, info: bytes, trackers: list[str], peers: list,
             file: TorrentFile | None, wanted: set[int] | None = None,
             saved: lt.add_torrent_params | None = None) -> Stream:
        directory = self.root / meta.info_hash
        directory.mkdir(parents=True, exist_ok=True)
        wanted = set(wanted or ()) | ({file.index} if file is not None else set())
        params = saved if saved is not None else lt.add_torrent_params()
        params.ti = torrent_info(info, trackers)
        params.save_path = str(directory)
        params.peers = [(str(host), int(port)) for host, port in peers]
        # the file wanted from the start: a torrent added with nothing wanted forgets sequential
        # order once a file is wanted (measured: random pieces)
        params.file_priorities = [WANTED if i in wanted else UNWANTED for i in range(len(meta.files))]
        params.flags |= lt.torrent_flags.sequential_download
        params.flags &= ~lt.torrent_flags.auto_managed
        # added paused and resumed once its resume data is checked: resuming dials the known peers
        # at once (libtorrent's connect boost), where a torrent added running waits for the
        # session's once-a-second connect round (measured: 0-1 s before the first piece is asked)
        params.flags |= lt.torrent_flags.paused
        handle = self.session.add_torrent(params)
        deadline = time.monotonic() + CHECK_WAIT_SECONDS
        while handle.status().state == lt.torrent_status.checking_resume_data and time.monotonic() < deadline:
            time.sleep(0.001)
        handle.resume()
        stream = Stream(self, meta, handle, directory)
        stream.wanted |= wanted
        saved_state.write_state(directory, stream.wanted)
        self.streams[meta.info_hash] = stream  # before any alert of it can come
        for index in sorted(wanted):
            stream.ask_for_head(meta.files[index])
        return stream

    def resume(self, stored: Callable[[str], tuple[bytes, list, list] | None]) -> list[str]:
        """Start again every stream a previous run of this streamer left on disk, from the stored
        metadata (``stored(info_hash)``: info dictionary, trackers, peers) and libtorrent's resume
        data, so neither the metadata nor a piece already verified is fetched again. A directory
        whose torrent the database no longer knows is deleted."""
        resumed = []
        for info_hash, directory, wanted in saved_state.saved(self.root):
            if info_hash in self.streams:
                continue
            record = stored(info_hash)
            if record is None:
                shutil.rmtree(directory, ignore_errors=True)
                continue
            info, trackers, peers = record
            meta = read_info(info)
            wanted = {i for i in wanted if meta.file(i) is not None}
            try:
                with self._lock:
                    self._add(meta, info, trackers, peers, None, wanted, saved_state.resume_params(directory))
            except (RuntimeError, StreamError) as exc:
                log.warning("torrent stream %s could not be resumed: %s", info_hash, exc)
                continue
            resumed.append(info_hash)
        if resumed:
            log.info("resumed %d torrent stream(s): %s", len(resumed), ", ".join(resumed))
        return resumed

    def save_all(self, timeout: float = 3.0) -> int:
        """Write every stream's resume data now (a shutdown): ask, then wait for the answers."""
        if self._session is None:
            return 0
        asked = 0
        for stream in list(self.streams.values()):
            stream.handle.save_resume_data()
            asked += 1
        deadline = time.monotonic() + timeout
        while self._saving_answers < asked and time.monotonic() < deadline:
            self.pump()
            time.sleep(0.02)
        return asked

    def stop(self, info_hash: str, reason: str = STOPPED_DELETED) -> bool:
        """Stop the stream and delete its files; False when it was not running."""
        with self._lock:
            stream = self.streams.pop(info_hash, None)
            if stream is None:
                return False
            self.stopped[info_hash] = reason
        try:
            self.session.remove_torrent(stream.handle, lt.session.delete_files)
        finally:
            shutil.rmtree(stream.directory, ignore_errors=True)
            stream.release_waiters()
        log.info("torrent stream %s stopped (%s)", info_hash, reason)
        if self.on_stop is not None:
            self.on_stop(info_hash, reason)
        return True

    def close(self) -> None:
        self.closed = True
        for info_hash in list(self.streams):
            self.stop(info_hash)

    def disk_usage(self) -> int:
        return sum(s.committed_bytes for s in self.streams.values())

    def cached(self, stream: Stream, size: int) -> None:
        """``stream`` made a cached file of ``size`` bytes (an HLS segment): it counts against the
        disk budget, which is kept by pruning the stream's own oldest segments first (made again
        from local bytes if asked for), then by stopping idle streams (whose pieces would have
        to come from the swarm again)."""
        with self._lock:
            stream.cache_bytes += size
            over = self.disk_usage() - self.budget
            if over > 0:
                stream.prune_cache(over)
            idle = sorted((s for s in self.streams.values() if s.reader_count == 0 and s is not stream),
                          key=lambda s: s.last_active)
            while self.disk_usage() > self.budget and idle:
                self.stop(idle.pop(0).info_hash, STOPPED_EVICTED)

    # -- housekeeping -----------------------------------------------------------------------
    def wake(self) -> None:
        self._wake.set()

    def _run_pump(self) -> None:
        while not self.closed:
            try:
                self.pump()
                if time.monotonic() - self._last_tick >= TICK_SECONDS:
                    self._last_tick = time.monotonic()
                    self.sweep_idle()
                    self._tick()
                if time.monotonic() - self._last_save >= SAVE_SECONDS:
                    self._last_save = time.monotonic()
                    for stream in list(self.streams.values()):
                        if stream.handle.need_save_resume_data():
                            stream.handle.save_resume_data()
            except Exception:  # the pump must outlive any one bad alert or stream
                log.exception("torrent pump failed")
            if any(stream.reading for stream in list(self.streams.values())):
                time.sleep(BUSY_PUMP_SECONDS)
            else:
                self._wake.wait(PUMP_SECONDS)
                self._wake.clear()

    def pump(self) -> None:
        for alert in self._session.pop_alerts():
            try:
                self._handle(alert)
            except Exception:  # one bad alert must not drop the rest of the batch
                log.exception("torrent alert %s failed", type(alert).__name__)

    def _handle(self, alert) -> None:
        if isinstance(alert, lt.read_piece_alert):
            stream = self._stream_of(alert.handle)
            if stream is None:
                return
            error = alert.error.value()
            if error == errno.ECANCELED:
                # a deadline cleared by a replan before its piece came (the head's read): not
                # an answer to anybody's read_piece, which still comes
                return
            stream.deliver(alert.piece, None if error else bytes(alert.buffer))
        elif isinstance(alert, lt.save_resume_data_alert):
            self._saving_answers += 1
            stream = self._stream_of(alert.handle)
            if stream is not None:
                saved_state.write_resume(stream.directory, alert.params)
        elif isinstance(alert, lt.save_resume_data_failed_alert):
            self._saving_answers += 1
        elif alert.category() & lt.alert_category.error:
            log.warning("libtorrent: %s", alert.message())

    def sweep_idle(self, now: float | None = None) -> list[str]:
        """Stop every stream nobody has read for the idle timeout."""
        now = time.monotonic() if now is None else now
        idle = [s.info_hash for s in list(self.streams.values())
                if s.reader_count == 0 and now - s.last_active >= self.idle_timeout]
        for info_hash in idle:
            self.stop(info_hash, STOPPED_IDLE)
        return idle

    def _tick(self) -> None:
        if self.on_tick is None:
            return
        for stream in list(self.streams.values()):
            try:
                self.on_tick(stream)
            except Exception:
                log.exception("torrent progress report failed")

    def _stream_of(self, handle: lt.torrent_handle) -> Stream | None:
        try:
            return self.streams.get(str(handle.info_hashes().v1))
        except RuntimeError:  # the torrent is gone
            return None


def _segments_left(cache_dir: Path) -> int:
    """The bytes of the segments a previous run made; what it was still making when it stopped
    (``.part`` files) is deleted, as nothing will finish it."""
    total = 0
    for path in cache_dir.glob("*/*"):
        try:
            if path.suffix == ".part":
                path.unlink()
            elif path.name.startswith("seg") and path.suffix == ".ts":
                total += path.stat().st_size
        except OSError:
            continue
    return total
