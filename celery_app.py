"""The Celery app, bound to the Flask app: ``celery -A celery_app worker``."""
from app import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
app = celery
