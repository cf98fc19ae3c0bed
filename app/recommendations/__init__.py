"""Recommendations: trending, popular by genre, similar titles and a personalized model, trained
in the ``recs`` queue and served precomputed from Redis."""
from app.core.domain import Domain, Mount

DOMAIN = Domain(
    name="recommendations",
    mounts=(
        Mount("recommendations", "app.recommendations.routes:blp", "/api/v1/recommendations"),
        Mount("recommendations_admin", "app.recommendations.routes:admin_blp", "/api/v1/admin/recommendations"),
    ),
    tasks="workers.recommendations",
    queue="recs",
    settings="app.recommendations.settings:read_settings",
    beat="app.recommendations.settings:beat_entries",
    setup="app.recommendations.service:init_app",
    seeds=(("movielens", "app.recommendations.cli:seed_movielens"),),
)
