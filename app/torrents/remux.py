"""HLS for files a browser cannot play (MKV, AVI, HEVC, AC3/DTS audio): pure planning.

The streamer serves a VOD playlist of fixed-length segments over the whole file, so a player
seeks to any segment at once; each segment is one short ffmpeg run that reads the streamer's
own byte URL from the segment's start (HTTP Range, so only those pieces are needed), copies the
video when browsers play its codec (H.264) and otherwise transcodes it, and always makes the
audio AAC stereo. Timestamps stay the source's (``-copyts``), so segments cut at different
keyframes still line up on the player's timeline.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

SEGMENT_SECONDS = 6
UNPLAYABLE_CONTAINERS = {".mkv", ".avi", ".wmv", ".flv", ".ts", ".m2ts", ".mpg", ".mpeg"}
BROWSER_VIDEO = {"h264"}
BROWSER_AUDIO = {"aac", "mp3"}

_DURATION = re.compile(r"Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)")
_STREAM = re.compile(r"Stream #\d+:\d+(?:\[[^\]]*\])?(?:\([^)]*\))?: (Video|Audio): ([A-Za-z0-9_]+)")


@dataclass(frozen=True)
class Probe:
    duration: float
    video_codec: str | None
    audio_codec: str | None

    @property
    def copy_video(self) -> bool:
        return self.video_codec in BROWSER_VIDEO


def needs_hls(suffix: str) -> bool:
    """Whether a file with this extension gets an ``hlsUrl`` (its container is not one browsers
    play everywhere; its codecs are checked when the playlist is first asked for)."""
    return suffix.lower() in UNPLAYABLE_CONTAINERS


def parse_probe(stderr: str) -> Probe | None:
    """What ``ffmpeg -i <input>`` says of it: duration and the first video and audio codecs."""
    match = _DURATION.search(stderr)
    if not match:
        return None
    hours, minutes, seconds = match.groups()
    duration = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    codecs: dict[str, str] = {}
    for kind, codec in _STREAM.findall(stderr):
        codecs.setdefault(kind, codec.lower())
    if duration <= 0 or "Video" not in codecs:
        return None
    return Probe(duration, codecs.get("Video"), codecs.get("Audio"))


def segment_count(duration: float, length: int = SEGMENT_SECONDS) -> int:
    return max(1, math.ceil(duration / length - 1e-6))


def playlist(duration: float, segment_uri, length: int = SEGMENT_SECONDS) -> str:
    """A VOD playlist of every segment; ``segment_uri(i)`` names segment ``i``."""
    count = segment_count(duration, length)
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", f"#EXT-X-TARGETDURATION:{length + 1}", "#EXT-X-MEDIA-SEQUENCE:0",
             "#EXT-X-PLAYLIST-TYPE:VOD"]
    for index in range(count):
        seconds = min(length, duration - index * length)
        lines += [f"#EXTINF:{seconds:.3f},", segment_uri(index)]
    lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def segment_command(ffmpeg: str, source_url: str, probe: Probe, index: int, output: str,
                    length: int = SEGMENT_SECONDS) -> list[str]:
    """The ffmpeg run that writes segment ``index`` as MPEG-TS."""
    start = index * length
    argv = [ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
            # -copyts keeps the source's clock, so the end is a time on it (-t would count from 0
            # and write nothing); a copied segment starts at the keyframe before its start and
            # overlaps the one before rather than leaving a gap
            "-ss", f"{start}", "-i", source_url, "-copyts", "-to", f"{start + length}",
            "-map", "0:v:0", "-map", "0:a:0?", "-sn", "-dn"]
    if probe.copy_video:
        argv += ["-c:v", "copy"]
    else:
        argv += ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
                 "-force_key_frames", f"expr:gte(t,{start})"]
    argv += ["-c:a", "aac", "-ac", "2", "-b:a", "160k", "-muxdelay", "0", "-f", "mpegts", output]
    return argv
