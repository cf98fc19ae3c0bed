"""HLS playlists rewritten so every URI they name carries the signed query. Pure.

A relative URI in a playlist resolves against the playlist's URL without its query, so the
token must be written into each one: segment lines, and the ``URI="..."`` of tags such as
``EXT-X-MAP``, ``EXT-X-MEDIA`` and ``EXT-X-I-FRAME-STREAM-INF``.
"""
from __future__ import annotations

import re

_URI_ATTRIBUTE = re.compile(r'URI="([^"]*)"')


def _with_query(uri: str, query: str) -> str:
    if not uri or uri.startswith("data:"):
        return uri
    return f"{uri}{'&' if '?' in uri else '?'}{query}"


def sign_playlist(text: str, query: str) -> str:
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            lines.append(line)
        elif stripped.startswith("#"):
            lines.append(_URI_ATTRIBUTE.sub(lambda m: f'URI="{_with_query(m[1], query)}"', line))
        else:
            lines.append(_with_query(stripped, query))
    return "\n".join(lines) + "\n"


_TILE = re.compile(r"^([^#\s?]+\.(?:jpg|jpeg|png|webp))(#xywh=\d+,\d+,\d+,\d+)$")


def sign_thumbnail_track(text: str, query: str) -> str:
    """A WebVTT thumbnails track whose sprite URIs carry the token (before their ``#xywh``)."""
    out = []
    for line in text.splitlines():
        match = _TILE.match(line.strip())
        out.append(f"{match[1]}?{query}{match[2]}" if match else line)
    return "\n".join(out) + "\n"
