"""SIGTERM is graceful: a request in flight when the web process is told to stop still completes."""
import os
import signal
import threading
import time

import pytest
import requests

from tests.ops.test_health import lonely_broker
from tests.support.processes import ServerProcess


@pytest.mark.slow
def test_in_flight_request_finishes_after_sigterm(app, test_env):
    # a broker database no worker listens on makes /health wait ~0.8 s for a ping: a slow request
    server = ServerProcess(test_env, extra_env={"GRACEFUL_TIMEOUT": "10", "CELERY_BROKER_URL": lonely_broker(test_env)})
    server.start()
    result = {}

    def call():
        try:
            result["response"] = requests.get(f"{server.url}/health", timeout=10)
        except requests.RequestException as exc:
            result["error"] = exc

    thread = threading.Thread(target=call)
    thread.start()
    time.sleep(0.3)  # the request is now inside the celery ping
    os.kill(server.process.pid, signal.SIGTERM)
    thread.join(timeout=15)
    code = server.stop()
    assert "error" not in result, result.get("error")
    assert result["response"].status_code == 200
    assert result["response"].json()["checks"]["celery"]["status"] == "down"
    assert code == 0
