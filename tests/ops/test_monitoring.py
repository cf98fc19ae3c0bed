"""Breaker routes, /metrics exposure and the dashboard page."""


def open_breaker(app, name="host:down.test"):
    from app.platform import breaker

    with app.app_context():
        for _ in range(5):
            breaker.record_failure(name)


def test_breakers_are_listed_reset_and_forced_open(app, client, admin_headers, service_headers):
    open_breaker(app)
    listed = client.get("/api/v1/monitoring/circuit-breakers", headers=service_headers)
    assert listed.status_code == 200
    [entry] = listed.get_json()["data"]
    assert entry["name"] == "host:down.test" and entry["state"] == "open" and entry["failures"] == 5
    reset = client.post("/api/v1/monitoring/circuit-breakers/host:down.test/reset", headers=admin_headers)
    assert reset.status_code == 200 and reset.get_json()["data"]["state"] == "closed"
    forced = client.post("/api/v1/monitoring/circuit-breakers/host:down.test/open", headers=admin_headers)
    assert forced.get_json()["data"]["state"] == "open" and forced.get_json()["data"]["forced"] is True
    missing = client.post("/api/v1/monitoring/circuit-breakers/host:nobody.test/reset", headers=admin_headers)
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "BREAKER_NOT_FOUND"


def test_breaker_routes_refuse_users_and_anonymous(client, user_headers):
    assert client.get("/api/v1/monitoring/circuit-breakers").status_code == 401
    refused = client.get("/api/v1/monitoring/circuit-breakers", headers=user_headers)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "AUTHORIZATION_ERROR"


def test_breaker_states_and_transitions_appear_in_metrics(app, client):
    open_breaker(app, "host:metrics.test")
    text = client.get("/metrics").get_data(as_text=True)
    assert 'marquee_circuit_breaker_state{name="host:metrics.test"} 2.0' in text
    assert ('marquee_circuit_breaker_transitions_total{from_state="closed",name="host:metrics.test",'
            'to_state="open"} 1.0') in text


def test_dashboard_is_one_self_contained_page_for_admins_and_services(client, admin_headers, service_headers,
                                                                      user_headers):
    assert client.get("/monitoring/dashboard").status_code == 401
    assert client.get("/monitoring/dashboard", headers=user_headers).status_code == 403
    page = client.get("/monitoring/dashboard", headers=admin_headers)
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "/api/v1/monitoring/overview" in html and "setInterval" in html
    assert "src=" not in html and "<link" not in html  # no external assets
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    data = client.get("/api/v1/monitoring/overview", headers=service_headers).get_json()["data"]
    assert set(data) == {"health", "traffic", "breakers", "providers", "proxies", "queues"}
    assert {p["id"] for p in data["providers"]} >= {"vidnest", "vidsrc", "embed"}
    assert "probes" in data["queues"]


def test_seed_003_detailed_metrics_answer_on_both_paths(live_server, admin_headers, service_headers, user_headers):
    import requests

    for _ in range(3):
        requests.get(f"{live_server.url}/api/v1/content", timeout=10)
    for path in ("/api/v1/monitoring/metrics", "/monitoring/metrics"):
        url = f"{live_server.url}{path}"
        assert requests.get(url, timeout=10).status_code == 401
        refused = requests.get(url, headers=user_headers, timeout=10)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "AUTHORIZATION_ERROR"
        for headers in (admin_headers, service_headers):
            response = requests.get(url, headers=headers, timeout=10)
            assert response.status_code == 200, response.text
            data = response.json()["data"]
            assert set(data) == {"service", "process", "http", "socketio", "celery", "redis", "database",
                                 "breakers", "health"}
            assert data["process"]["pid"] > 0 and data["process"]["rssBytes"] > 0
            assert data["http"]["requests"] >= 3 and data["http"]["byStatusClass"]["2xx"] >= 3
            top = data["http"]["topRoutes"]
            assert top and [e["requests"] for e in top] == sorted((e["requests"] for e in top), reverse=True)
            # the live server is shared by the run: the route is there unless ten others were busier
            counted = {entry["route"]: entry["requests"] for entry in top}
            assert counted.get("GET /api/v1/content", 3) >= 3 and len(top) <= 10
            assert data["redis"]["version"] and data["database"]["backend"] in ("sqlite", "postgresql")
            assert "probes" in data["celery"]["queues"] and data["health"]["checks"]["redis"]["status"] == "ok"
            assert set(data["breakers"]) == {"closed", "halfOpen", "open"}


def test_detailed_metrics_are_in_the_spec_on_both_paths(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    for path in ("/api/v1/monitoring/metrics", "/monitoring/metrics"):
        operation = paths[path]["get"]
        assert {"200", "401", "403"} <= set(operation["responses"])
