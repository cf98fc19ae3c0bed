"""Provider health checks against local servers: 200, 500, slow, HEAD refused, unreachable."""
import time

from tests.support.upstreams import ForwardProxy


def add(app, provider_id, health_url):
    from app.providers import service

    with app.app_context():
        service.create_provider({"id": provider_id, "name": provider_id.title(), "base_url": "https://p.example",
                                 "movie_template": "https://p.example/m/{id}", "tv_template": "https://p.example/t/{id}",
                                 "health_url": health_url, "enabled": True, "priority": 100})


def test_each_provider_gets_its_verdict_concurrently_within_the_bound(app, upstream, monkeypatch):
    from app.providers import service

    monkeypatch.setitem(app.config, "PROVIDER_CHECK_TIMEOUT", 1.0)
    monkeypatch.setitem(app.config, "PROVIDER_DEGRADED_MS", 400)
    add(app, "fine", upstream.url("/ok"))
    add(app, "broken", upstream.url("/fail"))
    add(app, "stalled", upstream.url("/slow?s=3"))
    add(app, "sluggish", upstream.url("/slow?s=0.5"))
    add(app, "nohead", upstream.url("/nohead"))
    add(app, "missing", upstream.url("/missing"))
    with app.app_context():
        started = time.perf_counter()
        results = {r["providerId"]: r for r in service.check_providers()}
        elapsed = time.perf_counter() - started
    assert results["fine"]["status"] == "up" and results["fine"]["httpStatus"] == 200
    assert results["broken"]["status"] == "down" and results["broken"]["httpStatus"] == 500
    assert results["stalled"]["status"] == "down" and "GATEWAY_TIMEOUT" in results["stalled"]["error"]
    assert results["sluggish"]["status"] == "degraded"
    assert results["nohead"]["status"] == "up"  # HEAD refused with 405, GET answered
    assert results["missing"]["status"] == "degraded" and results["missing"]["httpStatus"] == 404
    assert results["vidnest"]["status"] == "down"  # built-ins point at a closed port in tests
    assert elapsed < 2.5  # all at once: bounded by the slowest, not the sum
    methods = [m for m, path in upstream.hits if path == "/nohead"]
    assert methods[-2:] == ["HEAD", "GET"]


def test_statuses_keep_a_short_history_with_a_ttl(app, upstream, monkeypatch):
    from app.extensions import redis
    from app.providers import keys, service

    monkeypatch.setitem(app.config, "PROVIDER_HISTORY_LENGTH", 2)
    add(app, "fine", upstream.url("/ok"))
    with app.app_context():
        for _ in range(3):
            service.check_providers(["fine"])
        status = service.provider_status("fine")
        assert 0 < redis.ttl(keys.status("fine")) <= app.config["PROVIDER_CACHE_TTL"]
    assert status["status"] == "up" and len(status["history"]) == 2


def test_checks_can_go_through_the_proxy_pool(app, upstream, monkeypatch):
    from app.proxies import service as proxies
    from app.providers import service

    proxy = ForwardProxy("working")
    try:
        monkeypatch.setitem(app.config, "PROVIDER_CHECK_USE_PROXY", True)
        add(app, "fine", upstream.url("/ok"))
        with app.app_context():
            proxies.add_proxy(proxy.url)
            [result] = service.check_providers(["fine"])
    finally:
        proxy.stop()
    assert result["status"] == "up" and proxy.hits >= 1
