"""The baseline for bench/http_overhead.py: a bare Flask endpoint, nothing else.

Served by gunicorn with the same config/gunicorn.py as wsgi:app, so the difference between the
two is what Marquee's own request pipeline costs.
"""
from gevent import monkey

monkey.patch_all()

from flask import Flask, jsonify  # noqa: E402

app = Flask(__name__)


@app.get("/ping")
def ping():
    return jsonify({"success": True, "data": {"pong": True}})
