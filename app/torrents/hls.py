"""HLS segments made on demand by ffmpeg from the streamer's own byte URL (see ``remux.py``).

Each segment is made once, into the stream's cache directory (so a stop deletes them too; the
disk budget counts them, and prunes the oldest when it must), by one ffmpeg run; two requests for the same segment share the run. Asking for segment ``i`` also
starts ``i + 1`` and ``i + 2`` in the background, so playback never waits on a segment after
the first.
"""
from __future__ import annotations

import logging
import os
import subprocess
import threading
from pathlib import Path

from app.torrents.engine import Stream
from app.torrents.files import TorrentFile
from app.torrents.remux import Probe, parse_probe, segment_command, segment_count

log = logging.getLogger(__name__)

PROBE_TIMEOUT = 60
SEGMENT_TIMEOUT = 120
PREFETCH = 2


class RemuxError(Exception):
    pass


def _runs(stream: Stream) -> dict:
    """The stream's HLS state: probes by file, and the segment runs in flight."""
    return stream.remux


def probe(stream: Stream, file: TorrentFile, ffmpeg: str, source_url: str) -> Probe:
    state = _runs(stream)
    known = state["probes"].get(file.index)
    if known is not None:
        return known
    try:
        run = subprocess.run([ffmpeg, "-hide_banner", "-nostdin", "-i", source_url], capture_output=True,
                             timeout=PROBE_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise RemuxError("ffmpeg could not read the file's header in time") from None
    found = parse_probe(run.stderr.decode(errors="replace"))
    if found is None:
        raise RemuxError("ffmpeg finds no video in the file")
    state["probes"][file.index] = found
    stream.durations[file.index] = found.duration  # the read-ahead sizes itself by the bitrate
    return found


def segment_path(stream: Stream, file: TorrentFile, index: int) -> Path:
    return stream.cache_dir / str(file.index) / f"seg{index:05d}.ts"


def segment(stream: Stream, file: TorrentFile, found: Probe, index: int, ffmpeg: str, source_url: str) -> Path:
    """Segment ``index``, made now if it is not on disk yet; its successors start behind it."""
    path = _make(stream, file, found, index, ffmpeg, source_url)
    last = segment_count(found.duration) - 1
    for ahead in range(index + 1, min(last, index + PREFETCH) + 1):
        threading.Thread(target=_quietly, args=(stream, file, found, ahead, ffmpeg, source_url), daemon=True).start()
    return path


def _quietly(*args) -> None:
    try:
        _make(*args)
    except RemuxError as exc:
        log.info("HLS prefetch failed: %s", exc)


def _make(stream: Stream, file: TorrentFile, found: Probe, index: int, ffmpeg: str, source_url: str) -> Path:
    path = segment_path(stream, file, index)
    if path.exists():
        return path
    state = _runs(stream)
    with state["lock"]:
        run = state["running"].get((file.index, index))
        owner = run is None
        if owner:
            run = state["running"][(file.index, index)] = threading.Event()
    if not owner:
        run.wait(SEGMENT_TIMEOUT)
        if path.exists():
            return path
        raise RemuxError(f"segment {index} could not be made")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        argv = segment_command(ffmpeg, source_url, found, index, str(partial))
        try:
            done = subprocess.run(argv, capture_output=True, timeout=SEGMENT_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise RemuxError(f"segment {index} took longer than {SEGMENT_TIMEOUT}s") from None
        if done.returncode != 0 or not partial.exists() or partial.stat().st_size == 0:
            partial.unlink(missing_ok=True)
            tail = done.stderr.decode(errors="replace").strip().splitlines()[-3:]
            raise RemuxError(f"ffmpeg failed on segment {index}: {' | '.join(tail)}"[:500])
        partial.rename(path)
        stream.engine.cached(stream, path.stat().st_size)
        return path
    finally:
        with state["lock"]:
            state["running"].pop((file.index, index), None)
        run.set()
