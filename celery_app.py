"""The Celery app, bound to the Flask app: ``celery -A celery_app worker``."""
import os

# Before numpy loads: implicit's models run one BLAS thread per worker thread (several times
# faster than OpenBLAS's own threading under them). A value the machine set is left alone.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from app import create_app  # noqa: E402
from app.core.redis_version import require_redis_version  # noqa: E402

flask_app = create_app(role="worker")  # tasks and emits; no routes, no socket handlers
require_redis_version(flask_app.config, "worker")  # worker, beat and flower all load this module
celery = flask_app.extensions["celery"]
app = celery
