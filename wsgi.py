"""Web entry point: ``gunicorn -c config/gunicorn.py wsgi:app``.

gevent must patch the standard library before anything else imports sockets or threads, or
Redis clients hang; this is the only module that patches.
"""
from gevent import monkey

monkey.patch_all()

import gc  # noqa: E402
import os  # noqa: E402

from app import create_app  # noqa: E402
from app.core.redis_version import require_redis_version  # noqa: E402

# PROCESS_ROLE: web (every route and socket) or streamer (its stream routes, /health, /metrics)
app = create_app(role=os.environ.get("PROCESS_ROLE", "web"))
require_redis_version(app.config, "web")  # an old Redis stops the boot with a clear message, not a 500 later

# Garbage collection stalls the whole gevent loop, i.e. every socket. Under bench/rooms_fanout.py
# (1,000 clients) full collections ran every ~10 s and took 135-550 ms each: the p99 blow-ups.
# What startup built lives as long as the process, so it is frozen out of the collector's scans;
# a larger young generation and a 10x rarer full collection leave ~10-25 ms young pauses about
# once a second at 100 actions/s and no full collection in a benchmark run (one every ~5M net
# allocations, many minutes at that load).
gc.collect()
gc.freeze()
gc.set_threshold(5_000, 10, 100)

