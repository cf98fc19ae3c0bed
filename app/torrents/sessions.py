"""libtorrent sessions built from the settings: the streamer's one session and the metadata
worker's. Every network feature (DHT, local discovery, UPnP, NAT-PMP) follows its setting, so a
test swarm on 127.0.0.1 never reaches outside."""
from __future__ import annotations

import libtorrent as lt

ALERTS = lt.alert_category.error | lt.alert_category.status | lt.alert_category.storage


def settings_pack(config, *, user_agent: str = "Marquee") -> dict:
    pack = {
        "user_agent": user_agent,
        "listen_interfaces": config["TORRENT_LISTEN_INTERFACES"],
        "enable_dht": config["TORRENT_DHT"],
        "enable_lsd": config["TORRENT_LSD"],
        "enable_upnp": config["TORRENT_UPNP"],
        "enable_natpmp": config["TORRENT_NATPMP"],
        "enable_outgoing_utp": config["TORRENT_OUTGOING_UTP"],
        "dht_bootstrap_nodes": ",".join(config["TORRENT_DHT_BOOTSTRAP"]),
        "alert_mask": ALERTS,
        # a stream wants its pieces now: a short tick keeps requests flowing to the playhead
        "tick_interval": 100,
        "request_timeout": 10,
        "piece_timeout": 10,
        "allow_multiple_connections_per_ip": True,
        # a stream is "finished" whenever its wanted files are: keep the seeds connected, or the
        # next file wanted (another episode) would wait minutes to reconnect
        "close_redundant_connections": False,
        "upload_rate_limit": config["TORRENT_UPLOAD_LIMIT"],
    }
    return pack


def new_session(config) -> lt.session:
    session = lt.session(settings_pack(config))
    if config["TORRENT_UPLOAD_LIMIT"]:
        # peers on 127.0.0.1 and the LAN are in the local class, which the session's own limit
        # skips: give that class the same cap
        local = session.get_peer_class(session.local_peer_class_id)
        local["upload_limit"] = config["TORRENT_UPLOAD_LIMIT"]
        session.set_peer_class(session.local_peer_class_id, local)
    return session
