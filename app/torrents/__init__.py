"""Torrents: a magnet or an info-hash in, the video out over HTTP with Range requests while it
downloads (libtorrent), metadata fetched by a ``torrents`` worker, bytes served by the streamer."""
from app.core.domain import Domain, Mount

DOMAIN = Domain(
    name="torrents",
    models="app.torrents.models",
    mounts=(
        Mount("torrents", "app.torrents.routes:blp", "/api/v1/torrents"),
        Mount("torrents_original", "app.torrents.routes:legacy_blp", "/api"),
        # the bytes and the control routes web processes call: what the streamer role serves
        Mount("stream", "app.torrents.stream_files:blp", "/api/v1/torrents/stream", in_api=False),
        Mount("stream", "app.torrents.streamer_routes:blp", "/api/v1/torrents/streamer", in_api=False),
        Mount("stream", "app.torrents.stream_files:legacy_blp", "/api/stream", in_api=False),
    ),
    tasks="workers.torrents",
    queue="torrents",
    settings="app.torrents.settings:read_settings",
    setup="app.torrents.service:init_app",
)
