"""Probing through real local proxies: each kind ends as it should, all within about one timeout."""
import time

from app.proxies.probe import probe_all
from tests.support.upstreams import ForwardProxy, HttpServer


def test_every_kind_of_proxy_gets_the_right_verdict_within_the_timeout(upstream):
    kinds = {mode: ForwardProxy(mode) for mode in ForwardProxy.MODES}
    try:
        timeout = 0.8
        started = time.perf_counter()
        results = {r.id: r for r in probe_all([(m, p.url) for m, p in kinds.items()], upstream.url("/ok"), timeout,
                                                allow_private=True)}
        elapsed = time.perf_counter() - started
    finally:
        for proxy in kinds.values():
            proxy.stop()
    assert results["working"].ok and results["working"].status == 200 and results["working"].latency_ms < 800
    assert not results["refusing"].ok and "Connection" in results["refusing"].error
    assert not results["stalling"].ok and "no answer within" in results["stalling"].error
    assert not results["garbage"].ok and "not an HTTP answer" in results["garbage"].error
    assert elapsed < timeout * 1.5


def test_a_probe_url_error_through_a_working_proxy_is_a_failure(upstream):
    proxy = ForwardProxy("working")
    try:
        [result] = probe_all([("p", proxy.url)], upstream.url("/fail"), 2, allow_private=True)
    finally:
        proxy.stop()
    assert not result.ok and result.status == 500


def test_https_probe_url_goes_through_a_connect_tunnel():
    # a TLS handshake against a plain-HTTP server fails, but only after the CONNECT succeeded
    server, proxy = HttpServer(), ForwardProxy("working")
    try:
        [result] = probe_all([("p", proxy.url)], f"https://127.0.0.1:{server.port}/ok", 2, allow_private=True)
    finally:
        proxy.stop()
        server.stop()
    assert not result.ok and "SSL" in result.error


def test_socks5_proxies_are_probed_through_their_handshake(upstream):
    proxy = ForwardProxy("socks5", hosts={"probe.marquee.test": upstream.port})
    try:
        [result] = probe_all([("s", proxy.url)], "http://probe.marquee.test/generate_204", 2, allow_private=True)
    finally:
        proxy.stop()
    assert result.ok and result.status == 200
