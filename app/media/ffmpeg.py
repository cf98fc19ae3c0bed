"""The ffmpeg binary and one run of it: progress read as it goes, cancellable, errors kept.

The binary is the system's ``ffmpeg`` when there is one, else the static build that the
``imageio-ffmpeg`` wheel ships (``FFMPEG_BINARY`` names another). Nothing is downloaded.
"""
from __future__ import annotations

import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable

from app.media.progress import Progress, ProgressReader

ERROR_TAIL_BYTES = 4000


def ffmpeg_binary(configured: str | None = None) -> str:
    if configured:
        return configured
    found = shutil.which("ffmpeg")
    if found:
        return found
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


class FfmpegFailed(Exception):
    def __init__(self, returncode: int, tail: str) -> None:
        super().__init__(f"ffmpeg exited with {returncode}: {tail[-300:]}")
        self.returncode = returncode
        self.tail = tail


class FfmpegCancelled(Exception):
    pass


def run(argv: list[str], duration: float, on_progress: Callable[[Progress], None] | None = None,
        cancelled: Callable[[], bool] | None = None, poll_seconds: float = 0.5, frame_rate: float | None = None) -> None:
    """Run ``argv`` (which writes ``-progress pipe:1``); call ``on_progress`` per block and stop
    the process when ``cancelled()`` turns true (checked at least every ``poll_seconds``)."""
    reader = ProgressReader(duration, frame_rate)
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors,
                                   start_new_session=True)
        try:
            _follow(process, reader, on_progress, cancelled, poll_seconds)
        except BaseException:
            _stop(process)
            raise
        if process.returncode != 0:
            errors.seek(max(0, errors.seek(0, os.SEEK_END) - ERROR_TAIL_BYTES))
            raise FfmpegFailed(process.returncode, errors.read().decode(errors="replace").strip())


def _follow(process, reader, on_progress, cancelled, poll_seconds) -> None:
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    pending = b""
    last_check = 0.0
    while True:
        if cancelled is not None and time.monotonic() - last_check >= poll_seconds:
            last_check = time.monotonic()
            if cancelled():
                raise FfmpegCancelled()
        if not selector.select(timeout=poll_seconds):
            continue
        chunk = os.read(process.stdout.fileno(), 65536)
        if not chunk:
            break
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            snapshot = reader.feed(line.decode(errors="replace"))
            if snapshot is not None and on_progress is not None:
                on_progress(snapshot)
    selector.close()
    process.wait()


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the group (ffmpeg closes its files), then SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass
