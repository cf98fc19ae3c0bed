"""The one error envelope, for every status the stack can produce."""
import pytest


def assert_envelope(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert body["success"] is False
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    assert body["requestId"] == response.headers["X-Request-ID"]
    assert body["timestamp"].endswith("Z")
    return body


def test_unknown_route_is_not_found(client):
    assert_envelope(client.get("/api/v1/does-not-exist"), 404, "NOT_FOUND")


def test_wrong_method_is_405_with_allow_header(client):
    response = client.delete("/api/v1/auth/login")
    body = assert_envelope(response, 405, "METHOD_NOT_ALLOWED")
    assert "POST" in response.headers["Allow"]
    assert "POST" in body["error"]["details"]["allowed"]


def test_body_over_the_limit_is_413(app, client):
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post("/api/v1/auth/login", data=b"{" + b" " * (limit + 10) + b"}",
                           content_type="application/json")
    assert_envelope(response, 413, "PAYLOAD_TOO_LARGE")


def test_non_json_body_is_415(client):
    response = client.post("/api/v1/auth/login", data="email=a@b.c", content_type="application/x-www-form-urlencoded")
    body = assert_envelope(response, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert body["error"]["details"]["contentType"] == "application/x-www-form-urlencoded"


def test_malformed_json_is_a_validation_error(client):
    response = client.post("/api/v1/auth/login", data="{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert response.get_json()["error"]["code"] == "VALIDATION_ERROR"


def test_json_that_is_not_an_object_is_a_validation_error(client):
    response = client.post("/api/v1/auth/login", json=["a", "b"])
    assert_envelope(response, 422, "VALIDATION_ERROR")


def test_unexpected_exception_is_a_500_without_traceback(test_env):
    from app import create_app

    app = create_app("testing")

    @app.get("/api/v1/_boom")
    def boom():
        raise RuntimeError("secret internals: /etc/passwd")

    response = app.test_client().get("/api/v1/_boom")
    body = assert_envelope(response, 500, "INTERNAL_ERROR")
    text = response.get_data(as_text=True)
    assert "secret internals" not in text and "Traceback" not in text
    assert body["error"]["details"] == {}


def test_request_id_is_echoed_or_generated(client):
    echoed = client.get("/api/v1/nothing", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["X-Request-ID"] == "abc-123"
    assert echoed.get_json()["requestId"] == "abc-123"
    generated = client.get("/api/v1/nothing")
    assert len(generated.headers["X-Request-ID"]) == 32
    # a hostile id (header injection, huge) is replaced, not echoed
    hostile = client.get("/api/v1/nothing", headers={"X-Request-ID": "x" * 500})
    assert hostile.headers["X-Request-ID"] != "x" * 500


@pytest.mark.parametrize("path", ["/api/v1/auth/me", "/health/redis", "/api/v1/nowhere"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # development/testing: no HSTS


def test_hsts_in_production(monkeypatch, test_env):
    from app import create_app

    monkeypatch.setenv("SECRET_KEY", "p" * 40)
    monkeypatch.setenv("INTERNAL_API_KEY", "k" * 30)
    monkeypatch.setenv("DATABASE_URL", test_env["TEST_DATABASE_URL"])
    app = create_app("production")
    response = app.test_client().get("/api/v1/nowhere")
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_large_json_is_compressed_when_accepted(client):
    response = client.get("/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") == "gzip"
    plain = client.get("/openapi.json")
    assert "Content-Encoding" not in plain.headers


def test_cors_allows_configured_origin_only(client):
    allowed = client.options("/api/v1/auth/login", headers={
        "Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST"})
    assert allowed.headers.get("Access-Control-Allow-Origin") == "http://localhost:3000"
    denied = client.options("/api/v1/auth/login", headers={
        "Origin": "http://evil.example", "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in denied.headers
