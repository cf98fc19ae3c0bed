"""Magnet links and info-hashes as a client sends them: parsed and checked, never trusted.

Pure: no Flask, no libtorrent. ``parse_source`` takes ``{magnet}`` or ``{infoHash}`` and returns
what a session needs to find the swarm: the v1 info-hash (40 lowercase hex digits), the display
name, the trackers (``tr``) and the peer hints (``x.pe``), each bounded in count and length.
"""
from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

MAX_MAGNET_LENGTH = 8192
MAX_TRACKERS = 50
MAX_PEERS = 50
_HEX_HASH = re.compile(r"[0-9a-fA-F]{40}")
_BASE32_HASH = re.compile(r"[A-Za-z2-7]{32}")
_TRACKER_SCHEMES = ("http", "https", "udp", "ws", "wss")


class MagnetError(ValueError):
    """Carries the request field that is wrong (``magnet`` or ``infoHash``)."""

    def __init__(self, message: str, field_name: str) -> None:
        super().__init__(message)
        self.field = field_name


@dataclass(frozen=True)
class TorrentSource:
    info_hash: str  # 40 lowercase hex digits
    name: str | None = None
    trackers: tuple[str, ...] = ()
    peers: tuple[tuple[str, int], ...] = field(default_factory=tuple)

    def magnet(self) -> str:
        """A magnet link libtorrent parses back into this source."""
        from urllib.parse import quote

        parts = [f"xt=urn:btih:{self.info_hash}"]
        if self.name:
            parts.append("dn=" + quote(self.name, safe=""))
        parts += ["tr=" + quote(tracker, safe="") for tracker in self.trackers]
        parts += [f"x.pe={_peer_text(host, port)}" for host, port in self.peers]
        return "magnet:?" + "&".join(parts)


def _peer_text(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def normalise_info_hash(text: str, field_name: str = "infoHash") -> str:
    """40 hex digits or 32 base32 characters (both BitTorrent v1 forms) to 40 lowercase hex."""
    if not isinstance(text, str):
        raise MagnetError("must be a string", field_name)
    text = text.strip()
    if _HEX_HASH.fullmatch(text):
        return text.lower()
    if _BASE32_HASH.fullmatch(text):
        return binascii.hexlify(base64.b32decode(text.upper())).decode()
    raise MagnetError("must be a BitTorrent v1 info-hash: 40 hexadecimal digits or 32 base32 characters",
                      field_name)


def _peer(value: str) -> tuple[str, int] | None:
    """``host:port`` or ``[v6]:port`` with a literal address (no names: nothing to resolve)."""
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        return None
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        return str(ipaddress.ip_address(host)), int(port)
    except ValueError:
        return None


def _tracker(value: str) -> str | None:
    if len(value) > 1024 or any(ord(c) < 33 for c in value):
        return None
    parts = urlsplit(value)
    return value if parts.scheme.lower() in _TRACKER_SCHEMES and parts.hostname else None


def parse_magnet(text: str) -> TorrentSource:
    if not isinstance(text, str):
        raise MagnetError("must be a string", "magnet")
    text = text.strip()
    if len(text) > MAX_MAGNET_LENGTH:
        raise MagnetError(f"must be at most {MAX_MAGNET_LENGTH} characters", "magnet")
    if not text.lower().startswith("magnet:?"):
        raise MagnetError("must be a magnet link (magnet:?xt=urn:btih:...)", "magnet")
    info_hash = name = None
    trackers: list[str] = []
    peers: list[tuple[str, int]] = []
    for key, value in parse_qsl(text[len("magnet:?"):], keep_blank_values=True):
        key = key.lower()
        if key == "xt" or (key.startswith("xt.") and key[3:].isdigit()):
            if value.lower().startswith("urn:btih:") and info_hash is None:
                info_hash = normalise_info_hash(value[len("urn:btih:"):], "magnet")
        elif key == "dn" and name is None:
            name = value[:255] or None
        elif (key == "tr" or key.startswith("tr.")) and len(trackers) < MAX_TRACKERS:
            tracker = _tracker(value)
            if tracker and tracker not in trackers:
                trackers.append(tracker)
        elif key == "x.pe" and len(peers) < MAX_PEERS:
            peer = _peer(value)
            if peer and peer not in peers:
                peers.append(peer)
    if info_hash is None:
        raise MagnetError("has no BitTorrent v1 info-hash (xt=urn:btih:...)", "magnet")
    return TorrentSource(info_hash, name, tuple(trackers), tuple(peers))


def parse_source(magnet: str | None = None, info_hash: str | None = None) -> TorrentSource:
    """The swarm a request names; with both, they must agree."""
    if magnet:
        source = parse_magnet(magnet)
        if info_hash and normalise_info_hash(info_hash) != source.info_hash:
            raise MagnetError("names another torrent than the magnet link", "infoHash")
        return source
    if info_hash:
        return TorrentSource(normalise_info_hash(info_hash))
    raise MagnetError("a magnet link or an info-hash is required", "magnet")
