"""The scrub-preview track: thumbnails tiled into sprite images, and the WebVTT file that tells
a player which tile shows which stretch of time (``sprite.jpg#xywh=x,y,w,h``). Pure."""
from __future__ import annotations

import math
from dataclasses import dataclass


THUMBNAIL_TRACK = "thumbnails.vtt"
POSTER = "poster.jpg"


@dataclass(frozen=True)
class ThumbnailSpec:
    interval: float  # one thumbnail per this many seconds
    width: int
    height: int
    columns: int = 10
    rows: int = 10

    @property
    def per_sprite(self) -> int:
        return self.columns * self.rows


def spec_for(source_width: int, source_height: int, interval: float, width: int = 160) -> ThumbnailSpec:
    height = max(2, round(width * source_height / source_width / 2) * 2) if source_width else 90
    return ThumbnailSpec(interval, width, height)


def sprite_name(label: str | None) -> str:
    """ffmpeg's pattern for a pass's sprites (a chunk's carry its label)."""
    return f"{label}_thumb_%03d.jpg" if label else "thumb_%03d.jpg"


def thumb_name(label: str | None) -> str:
    """ffmpeg's pattern for a pass's single thumbnails, before they are tiled."""
    return f"{label}_one_%05d.jpg" if label else "one_%05d.jpg"


def _timestamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def cues(spec: ThumbnailSpec, start: float, duration: float, label: str | None = None) -> list[str]:
    """The cues of one pass (the whole source, or one chunk starting at ``start``)."""
    lines = []
    count = max(1, math.ceil(duration / spec.interval - 1e-9))
    for k in range(count):
        begin, end = start + k * spec.interval, min(start + (k + 1) * spec.interval, start + duration)
        sprite = sprite_name(label) % (k // spec.per_sprite + 1)
        position = k % spec.per_sprite
        x, y = (position % spec.columns) * spec.width, (position // spec.columns) * spec.height
        lines += [f"{_timestamp(begin)} --> {_timestamp(end)}", f"{sprite}#xywh={x},{y},{spec.width},{spec.height}", ""]
    return lines


def track(cue_lines: list[str]) -> str:
    return "\n".join(["WEBVTT", "", *cue_lines])
