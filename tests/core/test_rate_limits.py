"""Rate limits: Redis-backed, shared by every web process, honest headers, spoof-proof keys."""
import pytest
import requests

from tests.support.processes import ServerProcess


def login(client, **headers):
    return client.post("/api/v1/auth/login", json={"email": "x@example.test", "password": "whatever1"}, headers=headers)


def test_login_is_limited_to_five_per_window(client):
    statuses = [login(client).status_code for _ in range(5)]
    assert statuses == [401] * 5
    limited = login(client)
    assert limited.status_code == 429
    body = limited.get_json()
    assert body["error"]["code"] == "RATE_LIMIT_ERROR"
    assert int(limited.headers["Retry-After"]) > 0
    assert limited.headers["X-RateLimit-Limit"] == "5"
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    assert int(limited.headers["X-RateLimit-Reset"]) > 0


def test_register_shares_the_credentials_limit(client):
    for _ in range(5):
        login(client)
    response = client.post("/api/v1/auth/register", json={"email": "n@example.test", "password": "password1",
                                                           "displayName": "N"})
    assert response.status_code == 429


def test_internal_key_callers_are_exempt(client, service_headers):
    statuses = {login(client, **service_headers).status_code for _ in range(8)}
    assert 429 not in statuses


def test_forwarded_for_cannot_escape_the_limit(client):
    statuses = [login(client, **{"X-Forwarded-For": f"10.0.0.{i}"}).status_code for i in range(7)]
    assert statuses[-1] == 429


@pytest.mark.slow
def test_default_limit_applies_with_headers(app, test_env):
    server = ServerProcess(test_env, extra_env={"RATE_LIMIT_DEFAULT": "3 per minute"})
    server.start()
    try:
        url = f"{server.url}/api/v1/auth/me"
        first = requests.get(url, timeout=5)
        assert first.status_code == 401
        assert first.headers["X-RateLimit-Limit"] == "3"
        assert first.headers["X-RateLimit-Remaining"] == "2"
        requests.get(url, timeout=5)
        requests.get(url, timeout=5)
        limited = requests.get(url, timeout=5)
        assert limited.status_code == 429 and limited.json()["error"]["code"] == "RATE_LIMIT_ERROR"
        assert int(limited.headers["Retry-After"]) > 0
        # ops endpoints stay reachable for load balancers and scrapers
        assert requests.get(f"{server.url}/health/redis", timeout=5).status_code == 200
        assert requests.get(f"{server.url}/metrics", timeout=5).status_code == 200
    finally:
        server.stop()


def test_trusted_proxy_hop_decides_the_client_address(monkeypatch, test_env):
    from app import create_app

    monkeypatch.setenv("TRUSTED_PROXY_COUNT", "1")
    app = create_app("testing")
    client = app.test_client()
    for _ in range(5):
        login(client, **{"X-Forwarded-For": "203.0.113.7"})
    assert login(client, **{"X-Forwarded-For": "203.0.113.7"}).status_code == 429
    # another client behind the same trusted proxy has its own budget
    assert login(client, **{"X-Forwarded-For": "203.0.113.8"}).status_code == 401


@pytest.mark.slow
def test_counters_are_shared_by_web_processes(live_server, test_env):
    other = ServerProcess(test_env)
    other.start()
    try:
        payload = {"email": "x@example.test", "password": "whatever1"}
        codes = [requests.post(f"{server.url}/api/v1/auth/login", json=payload, timeout=5).status_code
                 for server in (live_server, other, live_server, other, live_server, other)]
    finally:
        other.stop()
    assert codes[:5] == [401] * 5
    assert codes[5] == 429
