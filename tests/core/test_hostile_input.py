"""Hostile input on every route of the URL map: always the JSON envelope, never a 500 or a redirect.

The routes come from ``app.url_map`` itself, so a route added later is covered without
touching this file.
"""
from __future__ import annotations

import json
import re

import pytest

_BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")
_HTML_PAGES = ("/docs", "/monitoring/dashboard", "/watch-together/demo", "/static", "/watch-together/static")
_SAMPLE = {"IntegerConverter": 1, "DatabaseIdConverter": 1, "ResourceIdConverter": "abc1", "PathConverter": "x1", "UnicodeConverter": "x1"}


def _concrete(rule) -> str:
    path = rule.rule
    for name, conv in rule._converters.items():
        path = re.sub(r"<[^<>]*\b" + name + r">", str(_SAMPLE.get(type(conv).__name__, "x1")), path)
    return path


def routes(app, methods=None, api_only=False) -> list[tuple[str, str]]:
    """(method, concrete path) for every rule of the URL map, read from the running app."""
    cases = []
    for rule in app.url_map.iter_rules():
        path = _concrete(rule)
        if api_only and not path.startswith("/api/"):
            continue
        if not api_only and path.startswith(_HTML_PAGES):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if methods is None or method in methods:
                cases.append((method, path))
    assert cases
    return cases


def json_routes(app, methods) -> list[tuple[str, str]]:
    """The routes that take a JSON body (the upload routes take multipart and refuse JSON with 415)."""
    def takes_json(rule, method):
        view = app.view_functions[rule.endpoint]
        view = getattr(getattr(view, "view_class", None), method.lower(), view)
        marked = getattr(view, "streamed_body", None)
        return marked is None or "application/json" in marked[1]

    by_path = {(m, _concrete(rule)): rule for rule in app.url_map.iter_rules() for m in rule.methods}
    return [(m, p) for m, p in routes(app, methods) if takes_json(by_path[(m, p)], m)]


def each_route(cases, check) -> None:
    """Run ``check(method, path)`` on every route; report every failure, not only the first."""
    failures = []
    for method, path in cases:
        try:
            check(method, path)
        except AssertionError as exc:
            failures.append(f"{method} {path}: {exc}")
    assert not failures, f"{len(failures)} route(s) failed:\n" + "\n".join(failures)


@pytest.fixture
def unlimited(app):
    """These tests send one request to every route from one address: more than the client budget."""
    from app.extensions import limiter

    saved = app.config["RATELIMIT_APPLICATION"]
    app.config["RATELIMIT_APPLICATION"] = "100000 per minute"
    with app.app_context():
        limiter.reset()
    yield
    app.config["RATELIMIT_APPLICATION"] = saved
    with app.app_context():
        limiter.reset()


def _assert_error_envelope(response, status=None, code=None) -> dict:
    assert response.mimetype == "application/json", (response.status_code, response.get_data(as_text=True)[:200])
    body = response.get_json()
    if status is not None:
        assert response.status_code == status, body
    assert body["success"] is False
    assert isinstance(body["error"]["details"], dict), body
    if code is not None:
        assert body["error"]["code"] == code, body
    assert body["requestId"] == response.headers["X-Request-ID"]
    return body


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_lone_surrogate_is_a_validation_error_naming_the_field(app, client, unlimited, admin_headers, who):
    headers = admin_headers if who == "admin" else {}

    def check(method, path):
        for raw, field in (('{"displayName": "bad \\ud800 text"}', "displayName"),
                           ('{"items": [{"name": "\\udfff"}]}', "items.0.name")):
            response = client.open(path, method=method, data=raw, content_type="application/json", headers=headers)
            body = _assert_error_envelope(response, 400, "VALIDATION_ERROR")
            assert list(body["error"]["details"]["fields"]) == [field]
            assert "surrogate" in body["error"]["message"]

    each_route(json_routes(app, _BODY_METHODS), check)


def test_surrogate_pairs_are_ordinary_text(client, unlimited):
    response = client.post("/api/v1/auth/register", content_type="application/json",
                           data='{"email": "emoji@example.test", "password": "long-enough-1", '
                                '"displayName": "Film \\ud83c\\udfac fan"}')
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["data"]["user"]["displayName"] == "Film \U0001F3AC fan"


def test_deep_json_is_refused_in_one_place(app, client, unlimited, admin_headers):
    def check(method, path):
        for raw in ("[" * 1000 + "]" * 1000, '{"a":' * 1000 + "1" + "}" * 1000, "[" * 100_000 + "]" * 100_000):
            response = client.open(path, method=method, data=raw, content_type="application/json",
                                   headers=admin_headers)
            body = _assert_error_envelope(response, 400, "VALIDATION_ERROR")
            assert body["error"]["details"]["maxDepth"] == 32

    each_route(json_routes(app, _BODY_METHODS), check)


def test_moderate_nesting_still_reaches_the_schema(client, unlimited):
    nested = {"email": "a@b.cd", "password": "x" * 10, "extra": [[[{"k": [1]}]]]}
    response = client.post("/api/v1/auth/login", json=nested)
    body = _assert_error_envelope(response, 422, "VALIDATION_ERROR")
    assert "extra" in body["error"]["details"]["fields"]


def test_doubled_and_trailing_slashes_never_redirect(app, client, unlimited):
    each_route(routes(app), lambda method, path: _no_redirect(client, method, path))


def _no_redirect(client, method, path):
    variants = [path.replace("/", "//", 2).replace("//", "/", 1), path + "/"]  # a "//" inside; a trailing "/"
    for url in variants:
        response = client.open(url, method=method, json={} if method in _BODY_METHODS else None)
        assert not 300 <= response.status_code < 400, (url, response.status_code, response.headers.get("Location"))
        if url.startswith("/api/") and response.status_code >= 400:
            _assert_error_envelope(response)


def test_a_doubled_slash_is_not_another_route(client, admin_headers):
    # "//check" is a missing proxy id, not "check every proxy"
    response = client.post("/api/v1/proxies//check", headers=admin_headers)
    _assert_error_envelope(response, 404, "NOT_FOUND")


def test_every_error_has_object_details_and_retry_after_only_on_429(app, client, unlimited):
    each_route(routes(app), lambda method, path: _details_and_retry_after(client, method, path))


def _details_and_retry_after(client, method, path):
    for kwargs in ({}, {"json": {}}, {"data": "{bad", "content_type": "application/json"},
                   {"headers": {"Authorization": "Bearer nope"}}):
        response = client.open(path, method=method, **kwargs)
        if response.status_code >= 400 and response.mimetype == "application/json" and path != "/health" \
                and not path.startswith("/health/"):
            _assert_error_envelope(response)
        if response.status_code != 429:
            assert "Retry-After" not in response.headers, (response.status_code, dict(response.headers))
        assert not any(name.lower().startswith("x-marquee-limiter") for name in response.headers.keys())


def test_retry_after_on_a_429(app, client):
    from app.extensions import limiter

    with app.app_context():
        limiter.reset()
    statuses = []
    for _ in range(8):
        response = client.post("/api/v1/auth/login", json={"email": "nobody@example.test", "password": "x" * 10})
        statuses.append(response.status_code)
        if response.status_code == 429:
            assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
            _assert_error_envelope(response, 429, "RATE_LIMIT_ERROR")
        else:
            assert "Retry-After" not in response.headers
    assert 429 in statuses, statuses
    with app.app_context():
        limiter.reset()


def test_register_success_has_no_retry_after(client, unlimited):
    response = client.post("/api/v1/auth/register",
                           json={"email": "ok@example.test", "password": "long-enough-1", "displayName": "Ok"})
    assert response.status_code == 201
    assert "Retry-After" not in response.headers
    assert response.headers["X-RateLimit-Limit"]


def test_api_routes_carry_rate_limit_headers(app, client, unlimited):
    def check(method, path):
        response = client.open(path, method=method, json={} if method in _BODY_METHODS else None)
        assert response.status_code != 404 or response.get_json()["error"]["message"] != \
            "The requested URL was not found", "did not route"
        for name in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"):
            assert name in response.headers, (response.status_code, dict(response.headers))

    limited = ("/api/", "/auth/watch-together/", "/providers/")
    each_route([(m, p) for m, p in routes(app) if p.startswith(limited)], check)


@pytest.mark.parametrize("path", ["/health", "/metrics"])
def test_ops_routes_are_not_rate_limited(client, path):
    response = client.get(path)
    assert "X-RateLimit-Limit" not in response.headers
    assert "Retry-After" not in response.headers


def test_service_callers_are_not_rate_limited(client, service_headers):
    response = client.get("/api/v1/proxies", headers=service_headers)
    assert response.status_code == 200
    assert "X-RateLimit-Limit" not in response.headers


def test_options_answers_no_content_with_allow(app, client):
    def check(method, path):
        response = client.options(path)
        assert response.status_code == 204, response.get_data(as_text=True)
        assert method in response.headers["Allow"]
        assert response.get_data() == b""

    each_route(routes(app, api_only=True), check)


def test_a_browser_preflight_is_an_empty_204_with_the_cors_headers(app, client):
    """Every browser sends Accept-Encoding: the empty answer must not be compressed into a body."""
    preflight = {"Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization, content-type",
                 "Accept-Encoding": "gzip, deflate, br, zstd"}

    def check(method, path):
        response = client.options(path, headers=preflight)
        assert response.status_code == 204, (response.status_code, dict(response.headers))
        assert response.get_data() == b""
        assert "Content-Encoding" not in response.headers and "Content-Type" not in response.headers
        assert len(response.headers.getlist("Allow")) == 1 and method in response.headers["Allow"]
        assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
        assert response.headers["Access-Control-Allow-Credentials"] == "true"
        assert "authorization" in response.headers["Access-Control-Allow-Headers"]

    each_route(routes(app, api_only=True), check)


def test_head_has_the_get_headers_and_no_body(client):
    get = client.get("/api/v1/content")
    head = client.head("/api/v1/content")
    assert head.status_code == get.status_code
    assert head.mimetype == "application/json"
    assert head.get_data() == b""


def test_validation_details_use_wire_names(client, unlimited, user_headers):
    response = client.post("/api/v1/watch-together/rooms", headers=user_headers,
                           json={"name": "x", "mediaId": "1", "mediaType": "movie", "adminId": "someone-else"})
    body = _assert_error_envelope(response)
    assert body["error"]["details"] == {"field": "adminId"}
    assert "admin_id" not in json.dumps(body)


def test_schema_validator_errors_are_renamed_to_wire_names():
    import marshmallow as ma

    from app.core.schemas import CamelSchema

    class Thing(CamelSchema):
        max_participants = ma.fields.Integer()

        @ma.validates_schema
        def check(self, data, **kwargs):
            raise ma.ValidationError("too many", "max_participants")

    with pytest.raises(ma.ValidationError) as caught:
        Thing().load({"maxParticipants": 3})
    assert caught.value.messages == {"maxParticipants": ["too many"]}


def test_the_document_states_limits_read_from_settings(app, client):
    schemas = client.get("/openapi.json").get_json()["components"]["schemas"]
    assert schemas["Register"]["properties"]["password"]["minLength"] == app.config["PASSWORD_MIN_LENGTH"]
    assert schemas["CreateRoom"]["properties"]["maxParticipants"]["maximum"] == app.config["ROOM_MAX_PARTICIPANTS"]


def test_the_document_states_patterns_the_server_enforces(client):
    spec = client.get("/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    proxy_url = re.compile(schemas["ProxyCreate"]["properties"]["url"]["pattern"])
    assert proxy_url.search("http://10.0.0.5:3128") and proxy_url.search("SOCKS5://user:pw@proxy.lan:1080")
    # addresses the server refuses whatever their spelling are outside the documented pattern
    for refused in ("http://0:1", "http://0.0.0.0:80", "http://169.254.169.254:80", "http://0x7f.1:80",
                    "http://100.100.100.200:80", "ftp://a:1", "http://a:1/path"):
        assert not proxy_url.search(refused), refused
    assert schemas["ProviderCreate"]["properties"]["baseUrl"]["pattern"].startswith("^https://")
    assert schemas["ProviderUpdate"]["minProperties"] == 1
    ident = schemas["CreateRoom"]["properties"]["mediaId"]
    assert {option["type"] for option in ident["oneOf"]} == {"string", "integer"}
    join = spec["paths"]["/api/v1/watch-together/rooms/{room_id}/join"]["post"]
    assert "roomId" in join["x-crossFieldRules"] and "roomId" in join["description"]


@pytest.mark.parametrize("method, path, body, field", [
    ("POST", "/api/v1/auth/register", {"email": "nul@example.test", "password": "long-enough-1",
                                       "displayName": "Nul\u0000Byte"}, "displayName"),
    ("POST", "/api/v1/auth/login", {"email": "nul@example.test", "password": "pass\u0000word"}, "password"),
    ("PATCH", "/api/v1/users/me", {"displayName": "a\u0000b"}, "displayName"),
    ("GET", "/api/v1/content/search?q=a%00b", None, "q"),
])
def test_nul_in_text_is_a_validation_error_naming_the_field(client, unlimited, auth_headers, make_user,
                                                            method, path, body, field):
    # PostgreSQL cannot store NUL in text; SQLite can, so without this check only one back end fails
    response = client.open(path, method=method, json=body, headers=auth_headers(make_user()))
    body = _assert_error_envelope(response, 422, "VALIDATION_ERROR")
    assert field in body["error"]["details"]["fields"], body


def test_the_document_says_no_request_text_holds_nul(client):
    """Every text a client sends (body, query, path) is documented with a pattern that excludes NUL."""
    spec = client.get("/openapi.json").get_json()
    components = spec["components"]["schemas"]
    loose, seen = [], set()

    def visit(schema, where):
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                seen.add(name)
                visit(components[name], name)
            return
        if schema.get("readOnly"):
            return
        if schema.get("type") == "string" and "enum" not in schema \
                and schema.get("format") not in ("date", "date-time", "binary"):  # a file's bytes may hold NUL
            pattern = schema.get("pattern")
            if pattern is None or re.search(pattern, "a\x00b"):
                loose.append(where)
        for name, prop in (schema.get("properties") or {}).items():
            visit(prop, f"{where}.{name}")
        if isinstance(schema.get("items"), dict):
            visit(schema["items"], f"{where}[]")
        for alternative in schema.get("oneOf", []) + schema.get("anyOf", []) + schema.get("allOf", []):
            visit(alternative, where)

    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            where = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                visit(parameter.get("schema", {}), f"{where} {parameter['name']}")
            for media in (operation.get("requestBody") or {}).get("content", {}).values():
                visit(media.get("schema", {}), f"{where} body")
    assert not loose, f"text the server refuses with NUL but the document allows: {loose}"


def _refused_provider_id(client, admin_headers, provider_id: str) -> None:
    provider = {"id": provider_id, "name": "Tricky", "baseUrl": "https://player.example",
                "movieTemplate": "https://player.example/movie/{id}",
                "tvTemplate": "https://player.example/tv/{id}/{season}/{episode}"}
    body = _assert_error_envelope(client.post("/api/v1/providers", json=provider, headers=admin_headers),
                                  422, "VALIDATION_ERROR")
    assert "id" in body["error"]["details"]["fields"], body


def test_a_pattern_must_match_the_whole_value_not_up_to_a_final_newline(client, unlimited, admin_headers):
    # Python's "$" matches before a trailing newline; the document's (ECMAScript) "$" does not
    _refused_provider_id(client, admin_headers, "tricky\n")
    response = client.get("/api/v1/providers/vidnest/550%0A", headers=admin_headers)
    body = _assert_error_envelope(response, 422, "VALIDATION_ERROR")
    assert "mediaId" in body["error"]["details"]["fields"], body


def test_reserved_provider_ids_are_refused_and_documented(client, unlimited, admin_headers):
    _refused_provider_id(client, admin_headers, "status")
    pattern = client.get("/openapi.json").get_json()["components"]["schemas"]["ProviderCreate"]["properties"]["id"]["pattern"]
    assert not re.search(pattern, "status") and re.search(pattern, "statuses")
