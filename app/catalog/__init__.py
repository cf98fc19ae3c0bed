"""The catalog: movies and series (seasons, episodes), genres, credits, browse and search."""
from app.core.domain import Domain, Mount

DOMAIN = Domain(
    name="catalog",
    models="app.catalog.models",
    mounts=(Mount("catalog", "app.catalog.routes:blp", "/api/v1/content"),),
    settings="app.catalog.settings:read_settings",
    setup="app.catalog.service:init_app",
    seeds=(("catalog", "app.catalog.demo:seed_demo"),),
)
