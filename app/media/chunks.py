"""The chunked path, pure: where a long source is cut, and how the chunks' playlists are joined.

A source longer than ``MEDIA_CHUNK_SECONDS`` is cut into chunks that workers transcode at once.
Cuts fall on segment boundaries (multiples of the segment length), which are keyframes of every
rung (keyframes are forced every ``MEDIA_KEYFRAME_SECONDS``, a divisor of the segment length), so
each chunk's segments are whole and the joined playlist reads as one continuous encode. Each
chunk's ffmpeg seeks accurately (it decodes from the source keyframe before the cut) and offsets
its timestamps to the chunk's start, so no timestamp gap is left at a joint.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from app.media.ladder import Rendition


@dataclass(frozen=True)
class Chunk:
    index: int
    start: float
    duration: float

    @property
    def label(self) -> str:
        return f"c{self.index:04d}"


def plan_chunks(duration: float, chunk_seconds: float, segment_seconds: int) -> list[Chunk]:
    """Chunks of about ``chunk_seconds`` (a whole number of segments, at least one), covering
    ``duration``; a last piece shorter than half a chunk joins the one before it."""
    if duration <= 0:
        return []
    step = max(1, round(chunk_seconds / segment_seconds)) * segment_seconds
    starts = [i * step for i in range(math.ceil(duration / step))]
    if len(starts) > 1 and duration - starts[-1] < step / 2:
        starts.pop()
    chunks = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else duration
        chunks.append(Chunk(index, float(start), round(end - start, 6)))
    return chunks


@dataclass(frozen=True)
class Segment:
    duration: float
    uri: str


_EXTINF = re.compile(r"^#EXTINF:([0-9.]+)")


def read_segments(playlist: str) -> list[Segment]:
    """The segments of a media playlist, in order."""
    segments, pending = [], None
    for line in playlist.splitlines():
        line = line.strip()
        match = _EXTINF.match(line)
        if match:
            pending = float(match[1])
        elif line and not line.startswith("#") and pending is not None:
            segments.append(Segment(pending, line))
            pending = None
    return segments


def media_playlist(segments: list[Segment], finished: bool) -> str:
    """One rung's playlist from its segments: VOD once every chunk is in, EVENT while it grows
    (a player keeps asking for more until ``#EXT-X-ENDLIST``)."""
    target = max((math.ceil(s.duration) for s in segments), default=1)
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", f"#EXT-X-TARGETDURATION:{target}", "#EXT-X-MEDIA-SEQUENCE:0",
             f"#EXT-X-PLAYLIST-TYPE:{'VOD' if finished else 'EVENT'}", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for segment in segments:
        lines += [f"#EXTINF:{segment.duration:.6f},", segment.uri]
    if finished:
        lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def master_playlist(renditions: list[Rendition], has_audio: bool) -> str:
    codecs = "avc1.640028,mp4a.40.2" if has_audio else "avc1.640028"
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for rendition in renditions:
        lines += [f"#EXT-X-STREAM-INF:BANDWIDTH={rendition.bandwidth},AVERAGE-BANDWIDTH="
                  f"{(rendition.video_kbps + (rendition.audio_kbps if has_audio else 0)) * 1000},"
                  f"RESOLUTION={rendition.width}x{rendition.height},CODECS=\"{codecs}\"",
                  f"{rendition.name}/index.m3u8"]
    return "\n".join(lines) + "\n"
