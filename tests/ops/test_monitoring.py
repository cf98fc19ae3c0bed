"""Breaker routes, /metrics exposure and the dashboard page."""


def open_breaker(app, name="host:down.test"):
    from app.core import breaker

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
