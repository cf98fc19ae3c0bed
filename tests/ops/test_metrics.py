"""/metrics in Prometheus text: HTTP by route and status, Socket.IO, Celery outcomes."""
from prometheus_client.parser import text_string_to_metric_families


def samples(client):
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    found = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            found.setdefault(sample.name, []).append(sample)
    return found


def test_requests_are_counted_by_route_template_and_status(client):
    client.get("/api/v1/auth/me")
    client.get("/api/v1/auth/me")
    found = samples(client)
    counts = [s for s in found["marquee_http_requests_total"]
              if s.labels["route"] == "/api/v1/auth/me" and s.labels["status"] == "401"]
    assert counts and counts[0].value >= 2
    buckets = [s for s in found["marquee_http_request_duration_seconds_bucket"] if s.labels["route"] == "/api/v1/auth/me"]
    assert buckets
    assert "marquee_socketio_connections" in found


def test_unmatched_routes_do_not_explode_label_cardinality(client):
    for i in range(3):
        client.get(f"/api/v1/random-{i}")
    routes = {s.labels["route"] for s in samples(client)["marquee_http_requests_total"]}
    assert "<unmatched>" in routes
    assert not any(r.startswith("/api/v1/random-") for r in routes)


def test_celery_task_outcomes_from_a_real_worker(app, client, celery_worker):
    from workers.ops import record_heartbeat

    import time

    with app.app_context():
        record_heartbeat.delay()

    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        outcomes = [s for s in samples(client).get("marquee_celery_tasks_total", [])
                    if s.labels["task"] == "workers.ops.record_heartbeat" and s.labels["outcome"] == "success"]
        if outcomes:
            assert outcomes[0].value >= 1
            return
        time.sleep(0.2)
    raise AssertionError("the worker's success was never counted in /metrics")
