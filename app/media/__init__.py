"""Media: video uploads for movies and episodes, the HLS ladder transcoded by workers in one
ffmpeg pass, storage, and signed, expiring stream URLs."""
from app.core.domain import Domain, Mount

DOMAIN = Domain(
    name="media",
    models="app.media.models",
    mounts=(
        Mount("media_admin", "app.media.routes:admin_blp", "/api/v1/admin"),
        Mount("media_stream", "app.media.routes:stream_blp", "/api/v1/content"),
        Mount("media_files", "app.media.files:blp", "/api/v1/media", in_api=False),
        Mount("media_player", "app.media.demo:player_blp", in_api=False),
        Mount("media_tus", "app.media.upload_routes:tus_blp", "/api/v1/uploads", in_api=False),
        Mount("media_uploads", "app.media.upload_routes:attach_blp", "/api/v1/uploads"),
    ),
    tasks="workers.media",
    queue="media",
    settings="app.media.settings:read_settings",
    beat="app.media.settings:beat_entries",
    setup="app.media.service:init_app",
    seeds=(("media", "app.media.seed:seed_demo"),),
)
