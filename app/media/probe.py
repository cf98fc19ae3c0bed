"""What a file holds, read with FFmpeg's own libraries (PyAV), so no ffprobe is needed.

The container and codecs decide whether a file is a video we can transcode, never its name.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import av

# containers a studio or a phone hands over; images, audio-only files and playlists are not videos
ACCEPTED_CONTAINERS = {"mov", "mp4", "matroska", "webm", "avi", "mpegts", "flv", "mpeg", "ogg", "asf", "mxf"}


class UnsupportedMedia(Exception):
    """The file is not a video we can transcode; ``reason`` says why, for the admin."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Probe:
    container: str
    duration: float
    video_codec: str
    width: int
    height: int
    frame_rate: float
    audio_codec: str | None

    @property
    def has_audio(self) -> bool:
        return self.audio_codec is not None

    def as_dict(self) -> dict:
        return {"container": self.container, "duration": round(self.duration, 3), "videoCodec": self.video_codec,
                "width": self.width, "height": self.height, "frameRate": round(self.frame_rate, 3),
                "audioCodec": self.audio_codec}


def _duration(container, video) -> float:
    if container.duration:
        return container.duration / av.time_base
    if video.duration and video.time_base:
        return float(video.duration * video.time_base)
    return 0.0


def probe(path: str) -> Probe:
    try:
        container = av.open(path, metadata_errors="ignore")
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise UnsupportedMedia(f"not a media file FFmpeg can read ({type(exc).__name__})") from None
    with container:
        formats = set(container.format.name.split(","))
        if not formats & ACCEPTED_CONTAINERS:
            raise UnsupportedMedia(f"the container {container.format.name!r} is not a video container")
        if not container.streams.video:
            raise UnsupportedMedia("the file has no video stream")
        video = container.streams.video[0]
        context = video.codec_context
        if context.codec is None or not context.width or not context.height:
            raise UnsupportedMedia("the video stream cannot be decoded")
        duration = _duration(container, video)
        if duration <= 0:
            raise UnsupportedMedia("the file has no duration: it is empty or not a video")
        rate = video.average_rate or video.guessed_rate or Fraction(25)
        audio = container.streams.audio[0].codec_context.name if container.streams.audio else None
        return Probe(container=min(formats & ACCEPTED_CONTAINERS), duration=duration,
                     video_codec=context.name, width=context.width, height=context.height,
                     frame_rate=float(rate), audio_codec=audio)


@dataclass(frozen=True)
class Scan:
    """What demuxing the whole file (no decoding) finds: how much of it is media, and how far."""

    media_bytes: int
    file_bytes: int
    last_time: float  # the latest packet end, in seconds from the first

    @property
    def coverage(self) -> float:
        return self.media_bytes / self.file_bytes if self.file_bytes else 0.0


def scan(path: str) -> Scan:
    """Read every packet's size and time without decoding (I/O bound: the whole file once)."""
    import os

    media, first, last = 0, None, 0.0
    try:
        with av.open(path, metadata_errors="ignore") as container:
            for packet in container.demux():
                if packet.size == 0:
                    continue
                media += packet.size
                if packet.pts is not None and packet.time_base is not None:
                    start = float(packet.pts * packet.time_base)
                    end = start + float((packet.duration or 0) * packet.time_base)
                    first = start if first is None else min(first, start)
                    last = max(last, end)
    except av.FFmpegError:
        pass  # what was read before the damage is what the file holds
    return Scan(media_bytes=media, file_bytes=os.path.getsize(path), last_time=max(0.0, last - (first or 0.0)))
