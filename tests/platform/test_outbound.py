"""The outbound client against real local servers and forward proxies on 127.0.0.1."""
import time

import pytest

from tests.support.upstreams import ForwardProxy


@pytest.fixture
def proxies():
    started = []

    def start(mode):
        proxy = ForwardProxy(mode)
        started.append(proxy)
        return proxy

    yield start
    for proxy in started:
        proxy.stop()


@pytest.fixture
def pool(app_ctx, monkeypatch):
    """Proxies added through the service, in order; rotation per request unless a test says so."""
    from app.proxies import service

    monkeypatch.setitem(app_ctx.config, "PROXY_ROTATION_INTERVAL", 0)
    monkeypatch.setitem(app_ctx.config, "PROXY_STRATEGY", "round-robin")

    def add(*servers):
        return [service.add_proxy(server.url)["id"] for server in servers]

    return add


def health_of(proxy_id):
    from app.proxies import service

    return service.get_proxy(proxy_id)


def test_private_and_metadata_targets_are_refused(app_ctx, monkeypatch):
    from app.platform import outbound

    with pytest.raises(outbound.PrivateTargetError) as caught:
        outbound.get("http://169.254.169.254/latest/meta-data/")
    assert caught.value.code == "PRIVATE_TARGET" and "metadata" in caught.value.message
    with pytest.raises(outbound.PrivateTargetError):
        outbound.get("http://[fe80::1]/")
    monkeypatch.setitem(app_ctx.config, "ALLOW_PRIVATE_TARGETS", False)
    with pytest.raises(outbound.PrivateTargetError) as caught:
        outbound.get("http://127.0.0.1:9/")
    assert "private" in caught.value.message
    with pytest.raises(outbound.ValidationError):
        outbound.get("file:///etc/passwd")


@pytest.mark.parametrize("allow_private", [True, False])
def test_targets_are_refused_where_proxies_are(app_ctx, monkeypatch, allow_private):
    """One list for targets and proxies: each address a proxy may not be at is no target either."""
    from app.platform import outbound
    from tests.proxies.test_routes import UNREACHABLE_PROXIES

    monkeypatch.setitem(app_ctx.config, "ALLOW_PRIVATE_TARGETS", allow_private)
    for proxy_url, kind in UNREACHABLE_PROXIES:
        target = "http://" + proxy_url.split("://", 1)[1] + "/"
        with pytest.raises(outbound.PrivateTargetError) as caught:
            outbound.get(target)
        assert kind in caught.value.message, target


def test_direct_call_when_the_pool_is_empty(app_ctx, upstream):
    from app.platform import outbound

    response = outbound.get(upstream.url("/ok"))
    assert response.status_code == 200 and response.json() == {"ok": True}


def test_requests_rotate_through_working_proxies(app_ctx, upstream, proxies, pool):
    from app.platform import outbound

    first, second = proxies("working"), proxies("working")
    pool(first, second)
    for _ in range(4):
        assert outbound.get(upstream.url("/ok")).status_code == 200
    assert first.hits == 2 and second.hits == 2


def test_sticky_proxy_lasts_the_rotation_interval(app_ctx, upstream, proxies, pool, monkeypatch):
    from app.platform import outbound

    first, second = proxies("working"), proxies("working")
    pool(first, second)
    monkeypatch.setitem(app_ctx.config, "PROXY_ROTATION_INTERVAL", 300)
    for _ in range(3):
        outbound.get(upstream.url("/ok"))
    assert (first.hits, second.hits) == (3, 0)
    time.sleep(0.35)
    outbound.get(upstream.url("/ok"))
    assert second.hits == 1


@pytest.mark.parametrize("mode", ["refusing", "stalling", "garbage"])
def test_a_failing_proxy_is_recorded_and_the_request_retried_on_the_next(app_ctx, upstream, proxies, pool, mode):
    from app.platform import outbound

    bad, good = proxies(mode), proxies("working")
    bad_id, good_id = pool(bad, good)
    started = time.perf_counter()
    response = outbound.get(upstream.url("/ok"), timeout=0.5)
    assert response.status_code == 200 and good.hits == 1
    assert time.perf_counter() - started < 3
    bad_health = health_of(bad_id)
    assert bad_health["failures"] == 1 and bad_health["last_error"]
    assert health_of(good_id)["latency_ms"] is not None


def test_a_proxy_that_dies_mid_run_is_benched_and_requests_still_succeed(app_ctx, upstream, proxies, pool):
    from app.platform import outbound

    dying, spare = proxies("working"), proxies("working")
    dying_id, _ = pool(dying, spare)
    assert outbound.get(upstream.url("/ok")).status_code == 200 and dying.hits == 1
    dying.stop()
    for _ in range(8):  # rotation keeps offering the dead one until PROXY_MAX_FAILURES benches it
        assert outbound.get(upstream.url("/ok")).status_code == 200
    benched = health_of(dying_id)
    assert benched["status"] == "benched" and benched["failures"] == 3
    assert benched["benched_until"] > time.time() * 1000
    hits_before = spare.hits
    for _ in range(3):
        assert outbound.get(upstream.url("/ok")).status_code == 200
    assert spare.hits == hits_before + 3 and health_of(dying_id)["failures"] == 3  # not offered again


def test_a_failed_sticky_proxy_hands_over_to_the_next(app_ctx, upstream, proxies, pool, monkeypatch):
    from app.platform import outbound

    monkeypatch.setitem(app_ctx.config, "PROXY_ROTATION_INTERVAL", 60_000)
    dying, spare = proxies("working"), proxies("working")
    pool(dying, spare)
    outbound.get(upstream.url("/ok"))
    dying.stop()
    for _ in range(3):
        assert outbound.get(upstream.url("/ok")).status_code == 200
    assert spare.hits == 3  # the first failure moved the sticky choice for the rest of the interval


def test_no_healthy_proxy_goes_direct_or_fails_per_setting(app_ctx, upstream, proxies, pool, monkeypatch):
    from app.platform import outbound
    from app.errors import AppError
    from app.proxies import pool as proxy_pool

    (only_id,) = pool(proxies("refusing"))
    monkeypatch.setitem(app_ctx.config, "PROXY_MAX_RETRIES", 0)
    for _ in range(3):
        with pytest.raises(AppError) as caught:
            outbound.get(upstream.url("/ok"))
        assert caught.value.code == "BAD_GATEWAY"
    assert health_of(only_id)["status"] == "benched"
    assert outbound.get(upstream.url("/ok")).status_code == 200  # fallback: direct
    monkeypatch.setitem(app_ctx.config, "PROXY_FALLBACK_DIRECT", False)
    with pytest.raises(AppError) as caught:
        outbound.get(upstream.url("/ok"))
    assert caught.value.code == "NO_HEALTHY_PROXY" and caught.value.status == 503
    assert proxy_pool.load_members()  # the proxy is benched, not removed


def test_a_failing_target_opens_its_breaker_and_then_fails_fast(app_ctx, upstream):
    from app.platform import breaker, outbound
    from app.errors import AppError

    for _ in range(5):
        assert outbound.get(upstream.url("/fail")).status_code == 500
    hits = len(upstream.hits)
    started = time.perf_counter()
    with pytest.raises(AppError) as caught:
        outbound.get(upstream.url("/ok"))
    assert caught.value.code == "SERVICE_UNAVAILABLE" and time.perf_counter() - started < 0.5
    assert len(upstream.hits) == hits  # never sent
    assert breaker.describe(f"host:127.0.0.1:{upstream.port}")["state"] == "open"


def test_a_stalling_target_times_out_with_gateway_timeout(app_ctx, upstream):
    from app.platform import outbound
    from app.errors import AppError

    with pytest.raises(AppError) as caught:
        outbound.get(upstream.url("/slow?s=2"), timeout=0.3)
    assert caught.value.code == "GATEWAY_TIMEOUT"


def test_requests_go_through_a_socks5_proxy(app_ctx, upstream, proxies, pool):
    from app.platform import outbound

    socks = proxies("socks5")
    (proxy_id,) = pool(socks)
    assert outbound.get(upstream.url("/ok")).json() == {"ok": True}
    assert socks.hits == 1 and health_of(proxy_id)["failures"] == 0


# ---- connections are judged by the address they open to (DNS rebinding) -------------------

def test_a_connection_is_judged_by_the_address_its_name_resolves_to_when_it_opens(app_ctx, upstream):
    """The check on the URL and the connection each resolve the name: the connection's own answer
    is the one judged, so a name that changes its answer in between reaches nothing it may not."""
    import requests

    from app.platform.guarded_http import connection_policy, guarded_session

    session = guarded_session()
    by_name = upstream.url("/ok").replace("127.0.0.1", "localhost")
    before = len(upstream.hits)
    with connection_policy(allow_private=False), pytest.raises(requests.ConnectionError) as caught:
        session.get(by_name)
    assert "private" in str(caught.value)
    with connection_policy(allow_private=False), pytest.raises(requests.ConnectionError):
        session.get(upstream.url("/ok").replace("127.0.0.1", "0x7f000001"))  # no spelling gets round it
    with connection_policy(allow_private=True):
        assert session.get(by_name).json() == {"ok": True}
    assert len(upstream.hits) == before + 1  # the refused connections never reached it


@pytest.mark.parametrize("mode", ["working", "socks5"])
def test_a_proxy_named_by_a_private_address_is_refused_at_connect_where_private_proxies_are_off(
        app_ctx, upstream, proxies, pool, monkeypatch, mode):
    from app.platform import outbound

    from app.proxies import service

    proxy = proxies(mode)
    pool()  # the rotation settings
    # a name: the pool keeps it, the connection judges the address it resolves to
    proxy_id = service.add_proxy(proxy.url.replace("127.0.0.1", "localhost"))["id"]
    monkeypatch.setitem(app_ctx.config, "ALLOW_PRIVATE_PROXIES", False)
    monkeypatch.setitem(app_ctx.config, "PROXY_MAX_RETRIES", 0)
    with pytest.raises(outbound.BadGatewayError) as caught:  # every proxy tried failed: reported, not gone round
        outbound.get(upstream.url("/ok"))
    assert "private address" in caught.value.message
    assert proxy.hits == 0
    assert health_of(proxy_id)["last_error"] == "Refused to connect: localhost is or resolves to a private address"
