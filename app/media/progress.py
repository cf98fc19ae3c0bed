"""ffmpeg's ``-progress`` output read into a job's percentage, speed and time left. Pure."""
from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    percent: float  # 0-100 of the source's duration
    seconds_done: float
    speed: float | None  # seconds of video per second of wall time
    eta_seconds: float | None
    finished: bool


class ProgressReader:
    """Feed it ffmpeg's ``key=value`` lines; every ``progress=`` line closes a block and yields
    one ``Progress`` (ffmpeg writes a block every ``-stats_period``).

    ffmpeg reports ``out_time`` only while every output has a time: a pass whose image outputs
    (a poster, sprites) write nothing until later says ``N/A``. The frame count still runs, so
    with the source's frame rate it gives the time done, and the wall clock the speed."""

    def __init__(self, duration: float, frame_rate: float | None = None, clock=time.monotonic) -> None:
        self.duration = max(float(duration or 0), 0.0)
        self.frame_rate = frame_rate if frame_rate and frame_rate > 0 else None
        self._clock = clock
        self._started = clock()
        self._block: dict[str, str] = {}

    def feed(self, line: str) -> Progress | None:
        key, sep, value = line.strip().partition("=")
        if not sep:
            return None
        if key != "progress":
            self._block[key] = value.strip()
            return None
        block, self._block = self._block, {}
        return self._snapshot(block, finished=value.strip() == "end")

    def _snapshot(self, block: dict[str, str], finished: bool) -> Progress:
        done = _seconds(block)
        speed = _speed(block.get("speed"))
        frames = block.get("frame", "")
        if done == 0.0 and self.frame_rate and frames.isdigit():
            done = min(int(frames) / self.frame_rate, self.duration or float("inf"))
            elapsed = self._clock() - self._started
            speed = speed or (round(done / elapsed, 2) if elapsed > 0 and done > 0 else None)
        percent = 100.0 if finished else (min(99.9, 100.0 * done / self.duration) if self.duration else 0.0)
        eta = None
        if not finished and speed and self.duration:
            eta = max(0.0, (self.duration - done) / speed)
        return Progress(round(percent, 1), done, speed, None if eta is None else round(eta, 1), finished)


def _seconds(block: dict[str, str]) -> float:
    for key, scale in (("out_time_us", 1e6), ("out_time_ms", 1e6)):  # ffmpeg's out_time_ms is in µs too
        raw = block.get(key, "")
        if raw.lstrip("-").isdigit():
            return max(0.0, int(raw) / scale)
    return 0.0


def _speed(raw: str | None) -> float | None:
    if not raw or not raw.endswith("x"):
        return None
    try:
        value = float(raw[:-1])
    except ValueError:
        return None
    return value if value > 0 else None
