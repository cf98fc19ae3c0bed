"""The Celery app, bound to the Flask app: ``celery -A celery_app worker``."""
from app import create_app
from app.core.redis_version import require_redis_version

flask_app = create_app(role="worker")  # tasks and emits; no routes, no socket handlers
require_redis_version(flask_app.config, "worker")  # worker, beat and flower all load this module
celery = flask_app.extensions["celery"]
app = celery
