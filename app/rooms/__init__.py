"""Watch together: synchronized rooms over Socket.IO and REST (state in Redis)."""
from app.core.domain import Domain, Mount

DOMAIN = Domain(
    name="rooms",
    mounts=(
        Mount("rooms", "app.rooms.routes:blp", "/api/v1/watch-together"),
        Mount("rooms_legacy", "app.rooms.routes:legacy_blp", "/auth/watch-together"),  # the original backend's paths
        Mount("rooms_demo", "app.rooms.demo:demo_blp", in_api=False),
    ),
    socket_events="app.rooms.events",
    tasks="workers.rooms",
    settings="app.rooms.settings:read_settings",
    beat="app.rooms.settings:beat_entries",
    documented_settings=(("CreateRoom", "maxParticipants", "maximum", "ROOM_MAX_PARTICIPANTS"),),
)
