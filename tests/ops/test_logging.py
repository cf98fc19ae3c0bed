"""One structured line per request, carrying the request id, in JSON when LOG_JSON is on."""
import json
import time

import pytest
import requests

from tests.support.processes import ServerProcess


@pytest.mark.slow
def test_json_request_log_line(app, test_env, make_user, token_for):
    user = make_user()
    server = ServerProcess(test_env, extra_env={"LOG_JSON": "true", "LOG_LEVEL": "INFO"})
    server.start()
    try:
        response = requests.get(f"{server.url}/api/v1/auth/me", timeout=5,
                                headers={"X-Request-ID": "trace-42", "Authorization": f"Bearer {token_for(user)}"})
        assert response.status_code == 200
        deadline = time.monotonic() + 5
        record = None
        while record is None and time.monotonic() < deadline:
            for line in server.output().splitlines():
                if line.startswith("{") and '"trace-42"' in line:
                    record = json.loads(line)
            time.sleep(0.1)
    finally:
        server.stop()
    assert record is not None, "no JSON request line found"
    assert record["requestId"] == "trace-42"
    assert record["method"] == "GET" and record["path"] == "/api/v1/auth/me" and record["status"] == 200
    assert record["userId"] == user["id"]
    assert isinstance(record["latencyMs"], float)
    assert record["level"] == "INFO"
