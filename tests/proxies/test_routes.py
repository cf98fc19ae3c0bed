"""/api/v1/proxies: the pool as operators manage it; probes through real local proxies."""
import time

import pytest

from tests.support.upstreams import ForwardProxy

PROBE_HOST = "probe.marquee.test"  # the test settings' PROXY_PROBE_URL host


@pytest.fixture
def make_proxy(upstream):
    started = []

    def start(mode="working"):
        proxy = ForwardProxy(mode, hosts={PROBE_HOST: upstream.port})
        started.append(proxy)
        return proxy

    yield start
    for proxy in started:
        proxy.stop()


def add(client, headers, url, **extra):
    return client.post("/api/v1/proxies", json={"url": url, **extra}, headers=headers)


def test_admin_adds_lists_and_deletes_a_proxy(client, admin_headers):
    created = add(client, admin_headers, "http://user:secret@10.0.0.5:3128", label="office", weight=2)
    assert created.status_code == 201
    proxy = created.get_json()["data"]
    assert proxy["url"] == "http://user:***@10.0.0.5:3128" and proxy["status"] == "unknown"
    assert proxy["source"] == "api" and proxy["weight"] == 2 and proxy["label"] == "office"
    listed = client.get("/api/v1/proxies", headers=admin_headers).get_json()["data"]
    assert [p["id"] for p in listed] == [proxy["id"]]
    assert client.delete(f"/api/v1/proxies/{proxy['id']}", headers=admin_headers).status_code == 200
    assert client.get("/api/v1/proxies", headers=admin_headers).get_json()["data"] == []
    gone = client.delete(f"/api/v1/proxies/{proxy['id']}", headers=admin_headers)
    assert gone.status_code == 404 and gone.get_json()["error"]["code"] == "PROXY_NOT_FOUND"


def test_duplicates_are_refused_with_conflict(client, admin_headers):
    assert add(client, admin_headers, "socks5://10.0.0.6:1080").status_code == 201
    again = add(client, admin_headers, "SOCKS5://10.0.0.6:1080/")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "CONFLICT"


@pytest.mark.parametrize("url, hint", [
    ("ftp://10.0.0.5:21", "http://, https:// or socks5://"),
    ("http://10.0.0.5", "port"),
    ("http://10.0.0.5:3128/path", "no path"),
    ("http://10.0.0.5:99999", "valid"),
    ("not a url at all", "http://"),
])
def test_invalid_proxy_urls_name_the_field(client, admin_headers, url, hint):
    response = add(client, admin_headers, url)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "VALIDATION_ERROR" and "url" in error["details"]["fields"] and hint in error["message"]


def test_unknown_fields_are_refused(client, admin_headers):
    response = add(client, admin_headers, "http://10.0.0.5:3128", colour="red")
    assert response.status_code == 422 and "colour" in response.get_json()["error"]["details"]["fields"]


def test_proxies_from_settings_are_listed_but_not_deletable(app, client, service_headers, admin_headers, monkeypatch):
    monkeypatch.setitem(app.config, "PROXY_URLS", ["http://10.1.1.1:8080"])
    [proxy] = client.get("/api/v1/proxies", headers=service_headers).get_json()["data"]
    assert proxy["source"] == "env" and proxy["id"].startswith("env-")
    refused = client.delete(f"/api/v1/proxies/{proxy['id']}", headers=admin_headers)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "PROXY_FROM_SETTINGS"
    assert add(client, admin_headers, "http://10.1.1.1:8080").status_code == 409


# Each spelling reaches an address no connection may go to; the outbound client refuses the
# same ones as targets (tests/core/test_outbound.py), private ranges allowed or not.
UNREACHABLE_PROXIES = [
    ("http://169.254.169.254:80", "metadata"),
    ("http://2852039166:80", "metadata"),  # 169.254.169.254 as one decimal number
    ("socks5://[::ffff:169.254.169.254]:1080", "metadata"),  # IPv4-mapped IPv6
    ("http://100.100.100.200:80", "metadata"),
    ("http://[fd00:ec2::254]:80", "metadata"),
    ("http://169.254.10.20:3128", "link-local"),
    ("http://[fe80::1]:3128", "link-local"),
    ("https://0.0.0.0:3128", "unspecified"),
    ("http://0:3128", "unspecified"),
    ("http://[::]:3128", "unspecified"),
    # every spelling is reduced to one address first (issue 17)
    ("http://169.254.169.254.:80", "metadata"),  # a trailing dot
    ("http://0.0.0.0.:3128", "unspecified"),
    ("http://[::169.254.169.254]:80", "metadata"),  # IPv4-compatible IPv6
    ("http://[64:ff9b::169.254.169.254]:80", "metadata"),  # NAT64
    ("http://[2002:a9fe:a9fe::]:80", "metadata"),  # 6to4
    ("http://metadata.google.internal:80", "metadata"),  # a name that resolves only inside the cloud
    ("http://metadata.google.internal.:80", "metadata"),
]


@pytest.mark.parametrize("url, kind", UNREACHABLE_PROXIES)
def test_proxies_at_metadata_link_local_or_unspecified_addresses_are_refused(client, admin_headers, url, kind):
    response = add(client, admin_headers, url)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "VALIDATION_ERROR" and "url" in error["details"]["fields"] and kind in error["message"]
    assert client.get("/api/v1/proxies", headers=admin_headers).get_json()["data"] == []


@pytest.mark.parametrize("url", ["http://10.0.0.5:3128", "http://192.168.1.20:8080", "http://127.0.0.1:3128",
                                 "socks5://[fd12:3456::1]:1080", "http://localhost:3128"])
def test_private_proxies_stay_allowed(client, admin_headers, url):
    assert add(client, admin_headers, url).status_code == 201


def test_unreachable_proxies_from_settings_are_left_out_of_the_pool(app, client, admin_headers, monkeypatch):
    monkeypatch.setitem(app.config, "PROXY_URLS", ["http://169.254.169.254:80", "http://10.1.1.1:8080",
                                                   "http://[fe80::1]:3128"])
    listed = client.get("/api/v1/proxies", headers=admin_headers).get_json()["data"]
    assert [p["url"] for p in listed] == ["http://10.1.1.1:8080"]


def test_users_and_anonymous_callers_are_refused(client, user_headers):
    assert client.get("/api/v1/proxies").status_code == 401
    assert client.get("/api/v1/proxies", headers={"x-internal-key": "wrong"}).status_code == 401
    assert client.get("/api/v1/proxies", headers=user_headers).status_code == 403
    assert add(client, user_headers, "http://10.0.0.5:3128").status_code == 403


def test_checking_one_proxy_records_health_latency_and_errors(client, admin_headers, make_proxy):
    good = add(client, admin_headers, make_proxy("working").url).get_json()["data"]["id"]
    bad = add(client, admin_headers, make_proxy("garbage").url).get_json()["data"]["id"]
    checked = client.post(f"/api/v1/proxies/{good}/check", headers=admin_headers).get_json()["data"]
    assert checked["status"] == "healthy" and checked["latencyMs"] > 0 and checked["lastCheckedAt"]
    failed = client.post(f"/api/v1/proxies/{bad}/check", headers=admin_headers).get_json()["data"]
    assert failed["status"] == "failing" and failed["healthy"] is True  # in rotation until benched
    assert failed["failures"] == 1 and "not an HTTP answer" in failed["lastError"]
    assert client.post("/api/v1/proxies/nope/check", headers=admin_headers).status_code == 404


def test_three_failed_probes_bench_a_proxy_and_one_good_probe_brings_it_back(client, admin_headers, make_proxy):
    flaky = make_proxy("working")
    proxy_id = add(client, admin_headers, flaky.url).get_json()["data"]["id"]
    flaky.stop()
    for _ in range(3):
        body = client.post(f"/api/v1/proxies/{proxy_id}/check", headers=admin_headers).get_json()["data"]
    assert body["status"] == "benched" and body["benchedUntil"] > time.time() * 1000
    reborn = ForwardProxy("working", hosts=flaky.hosts, port=flaky.port)  # the same address comes back
    try:
        back = client.post(f"/api/v1/proxies/{proxy_id}/check", headers=admin_headers).get_json()["data"]
    finally:
        reborn.stop()
    assert back["status"] == "healthy" and back["failures"] == 0 and back["benchedUntil"] is None


def test_check_all_runs_in_the_probes_queue(client, admin_headers, make_proxy, celery_worker):
    ids = {mode: add(client, admin_headers, make_proxy(mode).url).get_json()["data"]["id"]
           for mode in ("working", "refusing", "stalling")}
    queued = client.post("/api/v1/proxies/check", headers=admin_headers)
    assert queued.status_code == 202 and queued.get_json()["data"]["taskId"]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        listed = {p["id"]: p for p in client.get("/api/v1/proxies", headers=admin_headers).get_json()["data"]}
        if all(p["lastCheckedAt"] for p in listed.values()):
            break
        time.sleep(0.2)
    assert listed[ids["working"]]["status"] == "healthy"
    assert listed[ids["refusing"]]["failures"] == 1 and listed[ids["stalling"]]["failures"] == 1
    assert "no answer within" in listed[ids["stalling"]]["lastError"]


def test_checking_a_proxy_works_in_the_real_gevent_web_process(live_server, make_user, token_for, make_proxy):
    import requests

    headers = {"Authorization": f"Bearer {token_for(make_user(role='admin'))}"}
    proxy = make_proxy("working")
    created = requests.post(f"{live_server.url}/api/v1/proxies", json={"url": proxy.url}, headers=headers, timeout=10)
    checked = requests.post(f"{live_server.url}/api/v1/proxies/{created.json()['data']['id']}/check",
                            headers=headers, timeout=10)
    assert checked.status_code == 200 and checked.json()["data"]["status"] == "healthy"


def test_scheduled_probes_skip_benched_proxies_until_their_back_off_ends(app, client, admin_headers, make_proxy):
    from app.extensions import redis
    from app.proxies import keys, service

    dead = make_proxy("refusing")
    proxy_id = add(client, admin_headers, dead.url).get_json()["data"]["id"]
    with app.app_context():
        for _ in range(3):
            service.probe([proxy_id])
        assert service.probe(due_only=True)["probed"] == 0  # benched, back-off not over
        redis.hset(keys.health(proxy_id), "benched_until", time.time() - 1)
        assert service.probe(due_only=True)["probed"] == 1
        after = service.get_proxy(proxy_id)
    assert after["status"] == "benched" and after["benched_until"] > (time.time() + 60) * 1000  # doubled back-off


# ---- the address policy with ALLOW_PRIVATE_PROXIES off (production) ------------------------

@pytest.fixture
def no_private_proxies(app, monkeypatch):
    monkeypatch.setitem(app.config, "ALLOW_PRIVATE_PROXIES", False)


@pytest.mark.parametrize("url, kind", [
    ("http://127.0.0.1:3128", "private"), ("http://localhost:3128", "private"), ("http://10.0.0.5:3128", "private"),
    ("socks5://[::1]:1080", "private"), ("http://[::ffff:127.0.0.1]:3128", "private"),
    ("http://proxy.marquee.invalid:3128", "does not resolve"),  # fails closed
])
def test_private_or_unresolvable_proxies_are_refused_where_the_setting_is_off(client, admin_headers,
                                                                              no_private_proxies, url, kind):
    response = add(client, admin_headers, url)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert list(error["details"]["fields"]) == ["url"] and kind in error["message"], error


def test_the_pool_leaves_out_private_proxies_where_the_setting_is_off(app, client, admin_headers, monkeypatch,
                                                                     no_private_proxies):
    monkeypatch.setitem(app.config, "PROXY_URLS", ["http://10.1.1.1:8080", "http://203.0.113.9:8080"])
    listed = client.get("/api/v1/proxies", headers=admin_headers).get_json()["data"]
    assert [p["url"] for p in listed] == []  # 203.0.113.0/24 is documentation space: not public either


def test_a_proxy_name_is_judged_by_the_address_it_resolves_to_when_probed(app, client, admin_headers, make_proxy,
                                                                          monkeypatch):
    proxy = make_proxy("working")
    added = add(client, admin_headers, proxy.url.replace("127.0.0.1", "localhost")).get_json()["data"]
    assert client.post(f"/api/v1/proxies/{added['id']}/check", headers=admin_headers).get_json()["data"]["status"] \
        == "healthy"
    monkeypatch.setitem(app.config, "ALLOW_PRIVATE_PROXIES", False)  # the name is kept; the connection is refused
    checked = client.post(f"/api/v1/proxies/{added['id']}/check", headers=admin_headers).get_json()["data"]
    assert checked["status"] == "failing" and "private" in checked["lastError"], checked
    assert proxy.hits == 1  # the refused probe never reached it


# ---- the document and the server agree on the URL ------------------------------------------

@pytest.mark.parametrize("url", [
    "http://0x7f000001:8080", "http://2130706433:8080", "http://127.1:8080",  # numeric forms
    "http://bücher.example:8080", "http://xn--bcher-kva.example\u3002:8080",  # IDN: punycode only
    "http://" + "a" * 63 + "." + ("b" * 63 + ".") * 3 + "c:8080",  # past 253 characters
    "http://" + "a" * 300 + ":8080",  # a label past 63
    "http://10.0.0.5:03128", " http://10.0.0.5:3128", "http://[:::1]:3128", "http://[1.2.3.4]:3128",
])
def test_urls_outside_the_documented_pattern_are_refused_without_a_traceback(client, admin_headers, url, caplog):
    import re

    pattern = client.get("/openapi.json").get_json()["components"]["schemas"]["ProxyCreate"]["properties"]["url"]
    documented = re.search(pattern["pattern"], url) is not None and 8 <= len(url) <= 500
    response = add(client, admin_headers, url)
    assert response.status_code == 422, response.get_json()
    assert list(response.get_json()["error"]["details"]["fields"]) == ["url"]
    assert not documented or url.startswith("http://["), url  # bracketed literals are the documented rule's
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"


@pytest.mark.parametrize("url", ["http://proxy-1.lan:3128", "http://proxy.lan.:3128", "HTTPS://user:p%40ss@10.2.3.4:443/",
                                 "socks5h://[fd12::2]:1080", "http://xn--bcher-kva.example:8080"])
def test_urls_the_document_allows_are_accepted(client, admin_headers, url):
    import re

    pattern = client.get("/openapi.json").get_json()["components"]["schemas"]["ProxyCreate"]["properties"]["url"]
    assert re.search(pattern["pattern"], url), url
    assert add(client, admin_headers, url).status_code == 201  # testing allows private and unresolvable names
