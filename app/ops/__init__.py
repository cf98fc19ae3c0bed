"""Operations: /health and /metrics, the monitoring API and dashboard, the API docs, beat's heartbeat."""
from app.core.domain import Domain, Mount

DOMAIN = Domain(
    name="ops",
    mounts=(
        Mount("ops", "app.ops.routes:ops_blp"),  # /health, /metrics at the root, outside the envelope
        Mount("monitoring", "app.ops.monitoring:monitoring_blp", "/api/v1/monitoring"),
        Mount("monitoring_legacy", "app.ops.monitoring:monitoring_legacy_blp", "/monitoring"),
        Mount("dashboard", "app.ops.dashboard:dashboard_blp", in_api=False),  # HTML, outside the API spec
        Mount("docs", "app.ops.docs:docs_blp", in_api=False),  # Swagger UI from local files
    ),
    tasks="workers.ops",
    beat="app.ops.settings:beat_entries",
)
