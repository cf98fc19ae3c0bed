"""Streaming providers: embed URLs and iframes, health, caching."""
from app.core.domain import Domain, Mount

DOMAIN = Domain(
    name="providers",
    models="app.providers.models",
    mounts=(
        Mount("providers", "app.providers.routes:blp", "/api/v1/providers"),
        Mount("providers_legacy", "app.providers.routes:legacy_blp", "/providers"),  # the original service's paths
    ),
    tasks="workers.providers",
    queue="probes",
    settings="app.providers.settings:read_settings",
    beat="app.providers.settings:beat_entries",
)
