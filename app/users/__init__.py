"""Users as viewers: profile and preferences, favorites (history lives with playback)."""
from app.core.domain import Domain, Mount

DOMAIN = Domain(
    name="users",
    models="app.users.models",
    mounts=(Mount("users", "app.users.routes:blp", "/api/v1/users"),),
)
