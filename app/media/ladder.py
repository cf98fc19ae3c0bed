"""The HLS ladder: which rungs a source gets, and the one ffmpeg pass that encodes them all.

Pure: no Flask, no I/O. The pass decodes the source once, splits the picture into one scaled
copy per rung, encodes each with its own rate caps, and lets ffmpeg's HLS muxer write every
variant playlist and the master playlist (``-var_stream_map``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from app.media.thumbnails import ThumbnailSpec, sprite_name, thumb_name

DEFAULT_LADDER = "1080:5000k,720:2800k,480:1200k,360:600k"
_RUNG = re.compile(r"^\s*(\d{2,4})p?\s*:\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$")
MAXRATE_FACTOR = 1.07  # peaks may exceed the average by 7 %...
BUFSIZE_FACTOR = 1.5  # ...over a buffer of 1.5 s at the average rate


class LadderError(ValueError):
    """A ``MEDIA_LADDER`` that cannot be read."""


@dataclass(frozen=True)
class Rung:
    height: int
    video_kbps: int

    @property
    def name(self) -> str:
        return f"{self.height}p"


@dataclass(frozen=True)
class Rendition:
    """One rung fitted to a source: its size and the rates it is encoded with."""

    name: str
    width: int
    height: int
    video_kbps: int
    audio_kbps: int

    @property
    def maxrate_kbps(self) -> int:
        return int(self.video_kbps * MAXRATE_FACTOR)

    @property
    def bufsize_kbps(self) -> int:
        return int(self.video_kbps * BUFSIZE_FACTOR)

    @property
    def bandwidth(self) -> int:
        """Bits per second at the peak, as the master playlist's BANDWIDTH states it."""
        return (self.maxrate_kbps + self.audio_kbps) * 1000

    def as_dict(self) -> dict:
        return {"name": self.name, "width": self.width, "height": self.height, "bandwidth": self.bandwidth,
                "video_kbps": self.video_kbps, "audio_kbps": self.audio_kbps}


def parse_ladder(spec: str) -> tuple[Rung, ...]:
    """``"1080:5000k,720:2800k"`` (height: video bit rate, ``k`` or ``M``) to rungs, tallest first."""
    rungs = []
    for part in filter(None, (p.strip() for p in (spec or "").split(","))):
        match = _RUNG.match(part)
        if not match:
            raise LadderError(f"MEDIA_LADDER: {part!r} is not HEIGHT:BITRATE (e.g. 720:2800k)")
        height, rate, unit = int(match[1]), float(match[2]), match[3].lower()
        kbps = int(rate * 1000) if unit == "m" else int(rate) if unit == "k" else int(rate / 1000)
        if not 16 <= height <= 4320 or height % 2 or kbps < 16:
            raise LadderError(f"MEDIA_LADDER: {part!r} needs an even height of 16-4320 and at least 16k")
        rungs.append(Rung(height, kbps))
    if not rungs:
        raise LadderError("MEDIA_LADDER names no rung")
    if len({r.height for r in rungs}) != len(rungs):
        raise LadderError("MEDIA_LADDER names a height twice")
    return tuple(sorted(rungs, key=lambda r: -r.height))


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)


def renditions_for(width: int, height: int, ladder: tuple[Rung, ...], audio_kbps: int) -> list[Rendition]:
    """The rungs that fit the source, never taller than it; a source below the lowest rung gets
    that rung's rate at its own size. Widths keep the source's shape, rounded to even pixels."""
    if width <= 0 or height <= 0:
        raise LadderError("the source has no picture size")
    fitting = [r for r in ladder if r.height <= height]
    if not fitting:
        lowest = ladder[-1]
        fitting = [Rung(_even(height) if height >= 2 else 2, lowest.video_kbps)]
    return [Rendition(rung.name, _even(width * rung.height / height), rung.height, rung.video_kbps, audio_kbps)
            for rung in fitting]


@dataclass(frozen=True)
class Encoding:
    """How every rung is encoded: x264 preset, segment and keyframe spacing."""

    preset: str = "veryfast"
    segment_seconds: int = 6
    keyframe_seconds: int = 2
    segment_type: str = "mpegts"  # or fmp4


def ladder_command(ffmpeg: str, source: str, out_dir: str, renditions: list[Rendition], has_audio: bool,
                   encoding: Encoding = Encoding(), start: float | None = None,
                   duration: float | None = None, label: str | None = None, poster_at: float | None = None,
                   thumbnails: ThumbnailSpec | None = None) -> list[str]:
    """The argv of the one pass: decode once, ``split`` to every rung, HLS out with a master.

    Variant ``name`` directories hold ``index.m3u8`` and segments; ``master.m3u8`` lists them.
    Progress goes to stdout (``-progress pipe:1``) for the job's percentage and ETA.
    A chunk (``start``, ``duration``, ``label``) seeks to its start, keeps the source's clock
    (its timestamps continue from the chunks before it) and names its files after its label.
    The poster frame (at ``poster_at`` seconds into this pass) and the thumbnail sprites are more
    outputs of the same filter graph, so they cost no second decode.
    """
    count = len(renditions)
    branches = [f"[s{i}]" for i in range(count)] + (["[sp]"] if poster_at is not None else []) + \
        (["[st]"] if thumbnails else [])
    graph = [f"[0:v:0]split={len(branches)}{''.join(branches)}" if len(branches) > 1 else "[0:v:0]null[s0]"]
    for i, rendition in enumerate(renditions):
        graph.append(f"[s{i}]scale={rendition.width}:{rendition.height},setsar=1,format=yuv420p[v{i}]")
    top = renditions[0]
    # Every output must write from the first frame on: ffmpeg reports no progress time until all
    # of them have. So the poster output takes the first frame, then the one at ``poster_at``
    # (``-update 1`` keeps the last), and the thumbnails go out one by one (tiled afterwards).
    if poster_at is not None:
        graph.append(f"[sp]select='isnan(prev_selected_t)+gte(t\\,{poster_at:.3f})*lt(prev_selected_t\\,"
                     f"{poster_at:.3f})',scale={top.width}:{top.height},setsar=1[poster]")
    if thumbnails:
        # the first frame, then the first at least an interval after the last taken (fps= would
        # give none for a pass shorter than half an interval)
        every = f"{thumbnails.interval:g}"
        graph.append(f"[st]select='isnan(prev_selected_t)+gte(t-prev_selected_t\\,{every})',"
                     f"scale={thumbnails.width}:{thumbnails.height},setsar=1[thumbs]")
    argv = [ffmpeg, "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-progress", "pipe:1",
            "-stats_period", "0.5"]
    if start is not None:  # a chunk, even the first: every chunk's clock starts the same way
        argv += ["-ss", f"{start:.3f}"]
    argv += ["-i", source]
    if duration:
        argv += ["-t", f"{duration:.3f}"]
    argv += ["-filter_complex", ";".join(graph)]
    for i in range(count):
        argv += ["-map", f"[v{i}]"]
        if has_audio:
            argv += ["-map", "0:a:0"]
    argv += ["-c:v", "libx264", "-preset", encoding.preset, "-profile:v", "high", "-sc_threshold", "0",
             "-force_key_frames", f"expr:gte(t,n_forced*{encoding.keyframe_seconds})"]
    for i, rendition in enumerate(renditions):
        argv += [f"-b:v:{i}", f"{rendition.video_kbps}k", f"-maxrate:v:{i}", f"{rendition.maxrate_kbps}k",
                 f"-bufsize:v:{i}", f"{rendition.bufsize_kbps}k"]
    if has_audio:
        argv += ["-c:a", "aac", "-b:a", f"{renditions[0].audio_kbps}k", "-ac", "2", "-ar", "48000"]
    streams = " ".join(f"v:{i},a:{i},name:{r.name}" if has_audio else f"v:{i},name:{r.name}"
                       for i, r in enumerate(renditions))
    segment_ext = "m4s" if encoding.segment_type == "fmp4" else "ts"
    stem, playlist, master = (f"{label}_", f"{label}.m3u8", f"{label}_master.m3u8") if label else \
        ("seg_", "index.m3u8", "master.m3u8")
    if start is not None:
        argv += ["-output_ts_offset", f"{start:.3f}"]
    argv += ["-f", "hls", "-hls_time", str(encoding.segment_seconds), "-hls_playlist_type", "vod",
             "-hls_flags", "independent_segments", "-hls_segment_type", encoding.segment_type,
             "-hls_segment_filename", f"{out_dir}/%v/{stem}%05d.{segment_ext}",
             "-master_pl_name", master, "-var_stream_map", streams, f"{out_dir}/%v/{playlist}"]
    if poster_at is not None:
        argv += ["-map", "[poster]", "-fps_mode", "passthrough", "-update", "1", "-q:v", "3", f"{out_dir}/poster.jpg"]
    if thumbnails:
        argv += ["-map", "[thumbs]", "-fps_mode", "passthrough", "-q:v", "5", f"{out_dir}/{thumb_name(label)}"]
    return argv


def tile_command(ffmpeg: str, out_dir: str, label: str | None, spec: ThumbnailSpec) -> list[str]:
    """The pass's thumbnails (small JPEGs, already made) tiled into the sprites the track names."""
    return [ffmpeg, "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-framerate", "1", "-start_number", "1",
            "-i", f"{out_dir}/{thumb_name(label)}", "-vf", f"tile={spec.columns}x{spec.rows}",
            "-fps_mode", "passthrough", "-q:v", "5", f"{out_dir}/{sprite_name(label)}"]
