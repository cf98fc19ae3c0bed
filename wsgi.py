"""Web entry point: ``gunicorn -c config/gunicorn.py wsgi:app``.

gevent must patch the standard library before anything else imports sockets or threads, or
Redis clients hang; this is the only module that patches.
"""
from gevent import monkey

monkey.patch_all()

from app import create_app  # noqa: E402

app = create_app()
