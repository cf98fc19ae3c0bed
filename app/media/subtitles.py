"""Subtitle files read into WebVTT, and the HLS playlists that offer them. Pure.

An upload may be SubRip (``.srt``) or WebVTT, in UTF-8 (with or without a byte-order mark),
UTF-16 with a byte-order mark, or Windows-1252 (what older SRT files are); what is stored and
served is always UTF-8 WebVTT.
"""
from __future__ import annotations

import math
import re

LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
_SRT_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2}):(\d{2})[,.](\d{1,3})\s*-->\s*(\d{1,2}):(\d{2}):(\d{2})[,.](\d{1,3})(.*)$")
_VTT_TIME = re.compile(r"^\s*(?:\d+:)?\d{2}:\d{2}\.\d{3}\s*-->\s*(?:\d+:)?\d{2}:\d{2}\.\d{3}")


class SubtitleError(ValueError):
    pass


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _stamp(h: str, m: str, s: str, ms: str) -> str:
    return f"{int(h):02d}:{m}:{s}.{ms.ljust(3, '0')}"


def to_webvtt(data: bytes) -> str:
    """The file as WebVTT; ``SubtitleError`` when it is neither SRT nor WebVTT with a cue."""
    text = _decode(data).replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if text.lstrip().startswith("WEBVTT"):
        if not any(_VTT_TIME.match(line) for line in text.splitlines()):
            raise SubtitleError("the WebVTT file has no cue")
        return text.lstrip().rstrip("\n") + "\n"
    cues = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line for line in block.split("\n") if line.strip() != ""]
        timing = next((i for i, line in enumerate(lines) if _SRT_TIME.match(line)), None)
        if timing is None:
            continue
        match = _SRT_TIME.match(lines[timing])
        start, end = _stamp(*match.groups()[0:4]), _stamp(*match.groups()[4:8])
        body = [line for line in lines[timing + 1:]]
        cues.append(f"{start} --> {end}\n" + "\n".join(body))
    if not cues:
        raise SubtitleError("no SubRip cue (00:00:01,000 --> 00:00:02,000) was found")
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


def subtitle_playlist(vtt_name: str, duration: float) -> str:
    """One WebVTT file as the single segment of a subtitles media playlist."""
    span = max(duration, 1.0)
    return "\n".join(["#EXTM3U", "#EXT-X-VERSION:3", f"#EXT-X-TARGETDURATION:{math.ceil(span)}",
                      "#EXT-X-MEDIA-SEQUENCE:0", "#EXT-X-PLAYLIST-TYPE:VOD", f"#EXTINF:{span:.3f},", vtt_name,
                      "#EXT-X-ENDLIST"]) + "\n"


def with_subtitles(master: str, tracks: list[dict], group: str = "subs") -> str:
    """The master playlist offering ``tracks`` ({language, label, uri}) to every variant."""
    if not tracks:
        return master
    lines = master.rstrip("\n").split("\n")
    media = [f'#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="{group}",NAME="{_quoted(t["label"])}",'
             f'LANGUAGE="{t["language"]}",DEFAULT={"YES" if i == 0 else "NO"},AUTOSELECT=YES,URI="{t["uri"]}"'
             for i, t in enumerate(tracks)]
    out, placed = [], False
    for line in lines:
        if line.startswith("#EXT-X-STREAM-INF:") and not placed:
            out += media
            placed = True
        if line.startswith("#EXT-X-STREAM-INF:") and "SUBTITLES=" not in line:
            line = f'{line},SUBTITLES="{group}"'
        out.append(line)
    return "\n".join(out) + "\n"


def _quoted(text: str) -> str:
    return text.replace('"', "'").replace("\n", " ")
