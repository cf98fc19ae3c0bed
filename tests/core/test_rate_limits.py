"""Rate limits: one budget per client across the API plus route limits, Redis-backed and shared by
every web process, honest headers, spoof-proof keys, one Redis round trip per limit."""
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


def app_with_budget(monkeypatch, budget: str):
    """Another app on the same database and Redis, with its own client budget."""
    from app import create_app

    monkeypatch.setenv("RATE_LIMIT_DEFAULT", budget)
    return create_app("testing")


def limit_headers(response) -> tuple[str, str]:
    return response.headers["X-RateLimit-Limit"], response.headers["X-RateLimit-Remaining"]


def test_the_default_is_one_budget_across_every_route(app, monkeypatch):
    client = app_with_budget(monkeypatch, "4 per minute").test_client()
    routes = ["/api/v1/auth/me", "/api/v1/content", "/api/v1/providers", "/api/v1/users/me"]
    answers = [client.get(path) for path in routes]
    assert [limit_headers(r) for r in answers] == [("4", "3"), ("4", "2"), ("4", "1"), ("4", "0")]
    assert 429 not in {r.status_code for r in answers}
    # the budget is spent, whichever route comes next, even one never called before
    for path in ["/api/v1/auth/me", "/api/v1/content/search?q=x", "/api/v1/streaming/history"]:
        limited = client.get(path)
        assert limited.status_code == 429, path
        assert limited.get_json()["error"]["code"] == "RATE_LIMIT_ERROR"
        assert limit_headers(limited) == ("4", "0")
        assert int(limited.headers["Retry-After"]) > 0
    # another client address has its own budget
    assert client.get("/api/v1/content", environ_base={"REMOTE_ADDR": "198.51.100.9"}).status_code == 200
    # ops endpoints stay reachable for load balancers and scrapers
    assert client.get("/health/redis").status_code == 200
    assert client.get("/metrics").status_code == 200
    # and so does the document: a generated client or a fuzzer fetches it often (it is exempt,
    # spends nothing and carries no X-RateLimit-* headers)
    spec = client.get("/openapi.json")
    assert spec.status_code == 200 and "X-RateLimit-Limit" not in spec.headers
    # the seeds' paths outside /api spend the same budget, and their operations say so
    assert client.get("/providers/list").status_code == 429
    assert "429" in spec.get_json()["paths"]["/providers/list"]["get"]["responses"]
    assert "429" not in spec.get_json()["paths"]["/health"]["get"]["responses"]


def test_route_limits_are_extra_and_the_headers_name_the_binding_one(app, monkeypatch):
    client = app_with_budget(monkeypatch, "8 per minute").test_client()
    # login: budget 7 left, credentials limit (5 per 15 minutes) 4 left: the credentials limit binds
    assert limit_headers(login(client)) == ("5", "4")
    for _ in range(5):
        client.get("/api/v1/content")
    # budget 1 left, credentials 3 left: now the budget binds and the headers say so
    assert limit_headers(login(client)) == ("8", "1")
    client.get("/api/v1/content")
    limited = login(client)
    assert limited.status_code == 429 and limit_headers(limited) == ("8", "0")
    assert 0 < int(limited.headers["Retry-After"]) <= 60  # the budget's window, not the 15-minute one


def test_a_route_limit_refuses_while_the_budget_has_room(app, monkeypatch):
    client = app_with_budget(monkeypatch, "100 per minute").test_client()
    for _ in range(5):
        login(client)
    limited = login(client)
    assert limited.status_code == 429 and limit_headers(limited) == ("5", "0")
    assert int(limited.headers["Retry-After"]) > 60  # the credentials window (15 minutes)
    assert client.get("/api/v1/content").status_code == 200  # the rest of the API still answers


def _commands(redis_client) -> dict[str, int]:
    stats = redis_client.info("commandstats")
    return {name: stats.get(f"cmdstat_{name}", {}).get("calls", 0) for name in ("evalsha", "eval", "get", "ttl")}


def _spent(before: dict, after: dict) -> dict:
    return {name: after[name] - before[name] for name in before}


def test_each_limit_costs_one_redis_round_trip(app, client):
    """The hit returns count and expiry, so the headers need no GET and TTL of their own.
    (commandstats also counts the script's inner calls: one TTL per hit is the script's.)"""
    from app.extensions import redis

    client.get("/api/v1/auth/me")  # loads the script
    login(client)
    before = _commands(redis.client)
    plain = client.get("/api/v1/auth/me")  # no Redis of its own: only the client budget
    middle = _commands(redis.client)
    limited_route = login(client)  # the budget and the credentials limit
    after = _commands(redis.client)
    assert plain.headers["X-RateLimit-Remaining"] == "97"
    assert limited_route.headers["X-RateLimit-Remaining"] == "3"  # the second login: credentials bind
    assert _spent(before, middle) == {"evalsha": 1, "eval": 0, "get": 0, "ttl": 1}
    assert _spent(middle, after) == {"evalsha": 2, "eval": 0, "get": 0, "ttl": 2}


@pytest.mark.slow
def test_the_budget_is_shared_by_web_processes_with_headers(app, test_env):
    servers = [ServerProcess(test_env, extra_env={"RATE_LIMIT_DEFAULT": "4 per minute"}) for _ in range(2)]
    for server in servers:
        server.start()
    try:
        from app.extensions import redis

        with app.app_context():
            redis.client.flushdb()  # the start-up probes counted nothing, but start from zero anyway
        first, second = servers
        answers = [requests.get(f"{first.url}/api/v1/auth/me", timeout=5),
                   requests.get(f"{second.url}/api/v1/content", timeout=5),
                   requests.get(f"{first.url}/api/v1/providers", timeout=5),
                   requests.get(f"{second.url}/api/v1/auth/me", timeout=5)]
        assert [limit_headers(r) for r in answers] == [("4", "3"), ("4", "2"), ("4", "1"), ("4", "0")]
        limited = requests.get(f"{first.url}/api/v1/content", timeout=5)
        assert limited.status_code == 429 and limited.json()["error"]["code"] == "RATE_LIMIT_ERROR"
        assert int(limited.headers["Retry-After"]) > 0
        assert requests.get(f"{second.url}/health/redis", timeout=5).status_code == 200
        assert requests.get(f"{second.url}/metrics", timeout=5).status_code == 200
    finally:
        for server in servers:
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


def test_binding_limit_prefers_a_breach_then_the_fewest_left_then_the_longer_window():
    from types import SimpleNamespace as Seen

    from app.core.ratelimit import binding_limit

    budget = Seen(breached=False, remaining=40, reset_at=1060)
    route = Seen(breached=False, remaining=3, reset_at=1900)
    assert binding_limit([budget, route]) is route
    low_budget = Seen(breached=False, remaining=1, reset_at=1060)
    assert binding_limit([low_budget, route]) is low_budget
    tie = Seen(breached=False, remaining=3, reset_at=1060)
    assert binding_limit([tie, route]) is route  # same room left: the one that lasts longer binds
    refused = Seen(breached=True, remaining=0, reset_at=1060)
    assert binding_limit([route, refused]) is refused
    assert binding_limit([]) is None


# ---- preflights ---------------------------------------------------------------------------------

PREFLIGHT = {"Origin": "http://localhost:3000", "Access-Control-Request-Method": "GET",
             "Access-Control-Request-Headers": "authorization", "Accept-Encoding": "gzip, br"}


def test_preflights_are_never_counted_nor_limited(app, monkeypatch):
    client = app_with_budget(monkeypatch, "2 per minute").test_client()
    for _ in range(4):
        preflight = client.options("/api/v1/content", headers=PREFLIGHT)
        assert preflight.status_code == 204 and "X-RateLimit-Remaining" not in preflight.headers
    # the preflights spent nothing: the budget is whole
    assert limit_headers(client.get("/api/v1/content")) == ("2", "1")
    assert limit_headers(client.get("/api/v1/content")) == ("2", "0")
    assert client.get("/api/v1/content").status_code == 429
    # and once it is spent, the browser may still ask: the preflight answers, the call gets its 429
    preflight = client.options("/api/v1/content", headers=PREFLIGHT)
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    # so do route limits: the login preflight after five logins is not refused either
    for _ in range(6):
        client.post("/api/v1/auth/login", json={"email": "x@example.test", "password": "whatever1"},
                    environ_base={"REMOTE_ADDR": "198.51.100.20"})
    assert client.options("/api/v1/auth/login", headers={**PREFLIGHT, "Access-Control-Request-Method": "POST"},
                          environ_base={"REMOTE_ADDR": "198.51.100.20"}).status_code == 204


# ---- the 429 ------------------------------------------------------------------------------------

def test_the_429_states_the_limit_as_a_person_would(client):
    for _ in range(5):
        login(client)
    body = login(client).get_json()
    assert body["error"]["message"] == "Too many requests: 5 requests per 15 minutes"
    assert body["error"]["details"] == {"limit": "5 requests per 15 minutes", "per": "address", "appliesTo": "route"}


def test_limits_are_described_in_words():
    from limits import parse

    from app.core.ratelimit import describe_limit

    assert describe_limit(parse("5 per 15 minutes")) == "5 requests per 15 minutes"
    assert describe_limit(parse("100/minute")) == "100 requests per minute"
    assert describe_limit(parse("1 per second")) == "1 request per second"
    assert describe_limit(parse("1000 per hour")) == "1000 requests per hour"
    assert describe_limit(parse("3 per 2 days")) == "3 requests per 2 days"


# ---- the per-user budget ------------------------------------------------------------------------

def app_with_budgets(monkeypatch, per_address: str, per_user: str):
    from app import create_app

    monkeypatch.setenv("RATE_LIMIT_DEFAULT", per_address)
    monkeypatch.setenv("RATE_LIMIT_PER_USER", per_user)
    return create_app("testing")


def test_the_default_user_budget_is_1000_per_hour(app):
    assert app.config["RATELIMIT_PER_USER"] == "1000 per hour"


def test_a_signed_in_user_has_one_budget_across_the_api_and_addresses(app, monkeypatch, user, auth_headers,
                                                                       make_user, service_headers):
    client = app_with_budgets(monkeypatch, "100 per minute", "3 per hour").test_client()
    headers = auth_headers(user)
    answers = [client.get("/api/v1/auth/me", headers=headers),
               client.get("/api/v1/content", headers=headers, environ_base={"REMOTE_ADDR": "198.51.100.1"}),
               client.get("/api/v1/users/me", headers=headers, environ_base={"REMOTE_ADDR": "198.51.100.2"})]
    assert [r.status_code for r in answers] == [200, 200, 200]
    # the user budget binds (3 per hour, not 100 per minute), whichever address the calls came from
    assert [limit_headers(r) for r in answers] == [("3", "2"), ("3", "1"), ("3", "0")]
    limited = client.get("/api/v1/content", headers=headers, environ_base={"REMOTE_ADDR": "198.51.100.3"})
    assert limited.status_code == 429 and limit_headers(limited) == ("3", "0")
    error = limited.get_json()["error"]
    assert error["code"] == "RATE_LIMIT_ERROR"
    assert error["details"] == {"limit": "3 requests per hour", "per": "user", "appliesTo": "api"}
    assert 60 < int(limited.headers["Retry-After"]) <= 3600  # the hour's window
    # the address still has room for everyone else: anonymous callers have only the address budget
    anonymous = client.get("/api/v1/content")
    assert anonymous.status_code == 200 and limit_headers(anonymous) == ("100", "98")
    other = client.get("/api/v1/content", headers=auth_headers(make_user()))
    assert other.status_code == 200 and limit_headers(other) == ("3", "2")
    # services are not counted at all
    assert client.get("/api/v1/proxies", headers=service_headers).status_code == 200


def test_the_headers_name_whichever_budget_binds(app, monkeypatch, user, auth_headers):
    client = app_with_budgets(monkeypatch, "3 per minute", "5 per hour").test_client()
    headers = auth_headers(user)
    assert limit_headers(client.get("/api/v1/content", headers=headers)) == ("3", "2")
    assert limit_headers(client.get("/api/v1/content", headers=headers)) == ("3", "1")
    assert limit_headers(client.get("/api/v1/content", headers=headers)) == ("3", "0")
    limited = client.get("/api/v1/content", headers=headers)
    assert limited.status_code == 429 and limit_headers(limited) == ("3", "0")
    assert limited.get_json()["error"]["details"] == {"limit": "3 requests per minute", "per": "address",
                                                      "appliesTo": "api"}
    assert int(limited.headers["Retry-After"]) <= 60
    # the refused request did not spend the user's budget (as Flask-Limiter stops at the first
    # refusal): from another address the fourth counted call leaves one of five
    elsewhere = client.get("/api/v1/content", headers=headers, environ_base={"REMOTE_ADDR": "198.51.100.4"})
    assert elsewhere.status_code == 200 and limit_headers(elsewhere) == ("5", "1")


def test_both_budgets_cost_one_redis_round_trip(app, client, user_headers):
    from app.extensions import redis

    client.get("/api/v1/auth/me", headers=user_headers)  # loads the script
    before = _commands(redis.client)
    response = client.get("/api/v1/auth/me", headers=user_headers)
    after = _commands(redis.client)
    assert response.headers["X-RateLimit-Remaining"] == "98"  # the address budget binds (100/min)
    # one script call counting two keys (its inner TTLs are the only other commands)
    assert _spent(before, after) == {"evalsha": 1, "eval": 0, "get": 0, "ttl": 2}


@pytest.mark.slow
def test_the_user_budget_is_shared_by_web_processes(app, monkeypatch, test_env, user, token_for):
    server = ServerProcess(test_env, extra_env={"RATE_LIMIT_PER_USER": "3 per hour"})
    server.start()
    try:
        headers = {"Authorization": f"Bearer {token_for(user)}"}
        local = app_with_budgets(monkeypatch, "100 per minute", "3 per hour").test_client()
        assert local.get("/api/v1/content", headers=headers).headers["X-RateLimit-Remaining"] == "2"
        assert local.get("/api/v1/content", headers=headers).headers["X-RateLimit-Remaining"] == "1"
        remote = requests.get(f"{server.url}/api/v1/auth/me", headers=headers, timeout=5)
        assert remote.status_code == 200 and remote.headers["X-RateLimit-Remaining"] == "0"
        limited = requests.get(f"{server.url}/api/v1/content", headers=headers, timeout=5)
        assert limited.status_code == 429 and limited.json()["error"]["details"]["per"] == "user"
    finally:
        server.stop()
