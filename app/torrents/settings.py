"""Torrent settings: the metadata deadline, the streamer's download directory, disk budget and
idle timeout, the read-ahead, and what the libtorrent sessions may use of the network."""
from __future__ import annotations

import os
from urllib.parse import urlsplit

from config.env import env_bool, env_float, env_int, env_list, env_str


def read_settings(config) -> dict:
    settings = {
        # how long POST /stream waits for a magnet's metadata (504 METADATA_TIMEOUT after it)
        "TORRENT_METADATA_TIMEOUT": env_float("TORRENT_METADATA_TIMEOUT", 60.0),
        # where the streamer downloads (one directory per info-hash); its own, never shared
        "TORRENT_DOWNLOAD_DIR": env_str("TORRENT_DOWNLOAD_DIR", "") or os.path.join(config.STORAGE_DIR, "torrents"),
        # streams nobody has read for this long stop and their files go
        "TORRENT_IDLE_TIMEOUT": env_int("TORRENT_IDLE_TIMEOUT", 300),
        # the most the streamer's streams may take on disk, counted as the whole of every chosen file
        "TORRENT_DISK_BUDGET": env_int("TORRENT_DISK_BUDGET", 50 * 1024 ** 3),
        # a read waits this long for a missing piece, then ends cleanly so the player asks again
        "TORRENT_READ_WAIT": env_float("TORRENT_READ_WAIT", 20.0),
        # the read-ahead window, in seconds of video at the file's bitrate
        "TORRENT_READAHEAD_SECONDS": env_float("TORRENT_READAHEAD_SECONDS", 30.0),
        "TORRENT_LISTEN_INTERFACES": env_str("TORRENT_LISTEN_INTERFACES", "0.0.0.0:6881,[::]:6881"),
        "TORRENT_DHT": env_bool("TORRENT_DHT", True),
        "TORRENT_LSD": env_bool("TORRENT_LSD", True),
        "TORRENT_UPNP": env_bool("TORRENT_UPNP", False),
        "TORRENT_NATPMP": env_bool("TORRENT_NATPMP", False),
        # connect out over uTP too; off, peers are dialled over TCP (uTP paces itself on libtorrent's
        # tick: its handshake and slow start cost ~0.5 s before the first piece; incoming uTP stays on)
        "TORRENT_OUTGOING_UTP": env_bool("TORRENT_OUTGOING_UTP", False),
        "TORRENT_DHT_BOOTSTRAP": env_list("TORRENT_DHT_BOOTSTRAP", [
            "router.bittorrent.com:6881", "dht.transmissionbt.com:6881", "router.utorrent.com:6881"]),
        # bytes per second the streamer uploads (0: no limit), local peers included
        "TORRENT_UPLOAD_LIMIT": env_int("TORRENT_UPLOAD_LIMIT", 0),
        "TORRENT_STREAM_RATE_LIMIT": env_str("TORRENT_STREAM_RATE_LIMIT", "3000 per minute"),
        # the streamer processes, as browsers reach them; empty: the web process streams itself
        "STREAMERS": env_list("STREAMERS", []),
        # the same streamers as the web process reaches them (a private network), in the same order
        "STREAMER_INTERNAL_URLS": env_list("STREAMER_INTERNAL_URLS", []),
        "STREAMER_TIMEOUT": env_float("STREAMER_TIMEOUT", 10.0),
        # how this process's ffmpeg reaches its own stream bytes (HLS); empty: 127.0.0.1 and its port
        "TORRENT_SELF_URL": env_str("TORRENT_SELF_URL", ""),
        # Torznab indexers (Jackett, Prowlarr): "name=url" or a URL, with its apikey, comma-separated
        "TORZNAB_URLS": env_list("TORZNAB_URLS", []),
        "TORZNAB_TIMEOUT": env_float("TORZNAB_TIMEOUT", 8.0),
        "TORZNAB_USE_PROXY": env_bool("TORZNAB_USE_PROXY", True),
        "TORZNAB_CAPS_TTL": env_int("TORZNAB_CAPS_TTL", 24 * 3600),
    }
    if settings["TORRENT_METADATA_TIMEOUT"] <= 0:
        raise RuntimeError("TORRENT_METADATA_TIMEOUT must be positive")
    if settings["TORRENT_DISK_BUDGET"] <= 0:
        raise RuntimeError("TORRENT_DISK_BUDGET must be a positive number of bytes")
    for name in ("STREAMERS", "STREAMER_INTERNAL_URLS"):
        for url in settings[name]:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
                raise RuntimeError(f"{name}: {url!r} is not a base URL such as http://streamer-1:5100")
    if settings["STREAMER_INTERNAL_URLS"] and len(settings["STREAMER_INTERNAL_URLS"]) != len(settings["STREAMERS"]):
        raise RuntimeError("STREAMER_INTERNAL_URLS must name the same streamers as STREAMERS, in the same order")
    from app.torrents.torznab import indexers_from

    indexers_from(settings["TORZNAB_URLS"])  # a malformed entry stops the start, naming it
    return settings
