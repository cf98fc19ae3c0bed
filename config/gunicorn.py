"""gunicorn settings for the web process (gevent + WebSocket worker)."""
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '5000')}"
# gevent-websocket's worker, whose own refusals (414, bad request line, huge headers) are JSON
worker_class = "config.http_edges.EnvelopeWebSocketWorker"
# Socket.IO with several workers needs sticky sessions; scale with processes behind a
# sticky load balancer instead (see docs/ARCHITECTURE.md).
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "2000"))
graceful_timeout = int(os.environ.get("GRACEFUL_TIMEOUT", "30"))
timeout = int(os.environ.get("WORKER_TIMEOUT", "60"))
keepalive = 5
accesslog = None  # the app logs one structured line per request
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's control socket defaults to one path per user; several web processes on one host
# (tests, benchmarks, blue/green) would fight over it, and it slowed shutdown. We don't use it.
control_socket_disable = True
