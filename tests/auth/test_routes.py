"""Local accounts through the HTTP API."""
import pytest


def register(client, email="new@example.test", password="password123", name="New"):
    return client.post("/api/v1/auth/register", json={"email": email, "password": password, "displayName": name})


def test_register_returns_tokens_and_user(client):
    response = register(client)
    assert response.status_code == 201
    body = response.get_json()
    assert body["success"] is True
    data = body["data"]
    assert data["tokenType"] == "Bearer" and data["expiresIn"] == 900
    assert data["user"]["email"] == "new@example.test" and data["user"]["role"] == "user"
    assert "passwordHash" not in data["user"]
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {data['accessToken']}"})
    assert me.status_code == 200 and me.get_json()["data"]["displayName"] == "New"


def test_register_twice_is_a_conflict(client):
    assert register(client).status_code == 201
    again = register(client, email="NEW@example.test")
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "CONFLICT"


def test_register_validation_names_each_field(client):
    response = client.post("/api/v1/auth/register", json={"email": "nope", "password": "x"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert set(error["details"]["fields"]) == {"email", "displayName"}


def test_short_password_is_refused_with_the_field(client):
    response = register(client, password="short")
    assert response.status_code == 422
    assert "password" in response.get_json()["error"]["details"]["fields"]


def test_login_and_wrong_password(client, make_user):
    user = make_user(password="correct-horse")
    ok = client.post("/api/v1/auth/login", json={"email": user["email"], "password": "correct-horse"})
    assert ok.status_code == 200 and ok.get_json()["data"]["accessToken"]
    bad = client.post("/api/v1/auth/login", json={"email": user["email"], "password": "wrong-horse"})
    assert bad.status_code == 401 and bad.get_json()["error"]["code"] == "AUTHENTICATION_ERROR"
    unknown = client.post("/api/v1/auth/login", json={"email": "ghost@example.test", "password": "whatever1"})
    assert unknown.status_code == 401


def test_refresh_rotates_and_reuse_revokes_the_family(client, make_user):
    user = make_user()
    first = client.post("/api/v1/auth/login", json={"email": user["email"], "password": user["password"]}).get_json()["data"]
    rotated = client.post("/api/v1/auth/refresh", json={"refreshToken": first["refreshToken"]})
    assert rotated.status_code == 200
    second = rotated.get_json()["data"]
    assert second["refreshToken"] != first["refreshToken"]
    # an attacker replays the old token: refused, and the legitimate new one dies with it
    replay = client.post("/api/v1/auth/refresh", json={"refreshToken": first["refreshToken"]})
    assert replay.status_code == 401
    after = client.post("/api/v1/auth/refresh", json={"refreshToken": second["refreshToken"]})
    assert after.status_code == 401


def test_logout_revokes_the_refresh_token(client, make_user):
    user = make_user()
    tokens = client.post("/api/v1/auth/login", json={"email": user["email"], "password": user["password"]}).get_json()["data"]
    assert client.post("/api/v1/auth/logout", json={"refreshToken": tokens["refreshToken"]}).status_code == 200
    assert client.post("/api/v1/auth/refresh", json={"refreshToken": tokens["refreshToken"]}).status_code == 401
    assert client.post("/api/v1/auth/logout", json={"refreshToken": "not-a-token"}).status_code == 401


def test_me_refuses_missing_and_bad_tokens(client, service_headers):
    assert client.get("/api/v1/auth/me").status_code == 401
    bad = client.get("/api/v1/auth/me", headers={"Authorization": "Bearer not.a.jwt"})
    assert bad.status_code == 401 and bad.get_json()["error"]["code"] == "AUTHENTICATION_ERROR"
    assert client.get("/api/v1/auth/me", headers={"Authorization": "Basic abc"}).status_code == 401
    # a service key is an identity, but not one /me takes: 401, as with no credential
    assert client.get("/api/v1/auth/me", headers=service_headers).status_code == 401
    assert client.get("/api/v1/auth/me", headers={"x-internal-key": "wrong"}).status_code == 401


def test_a_wrong_credential_is_refused_even_beside_a_good_one(client, service_headers, auth_headers, user):
    # a service route, called with a good service key and a bad (or malformed) bearer token
    for authorization in ("Bearer not.a.jwt", "Basic abc", "Bearer "):
        response = client.get("/api/v1/proxies", headers={**service_headers, "Authorization": authorization})
        assert response.status_code == 401, (authorization, response.get_json())
        assert response.get_json()["error"]["code"] == "AUTHENTICATION_ERROR"
    # a good bearer token beside a wrong service key
    response = client.get("/api/v1/auth/me", headers={**auth_headers(user), "x-internal-key": "wrong"})
    assert response.status_code == 401
    # both good: the service key decides
    assert client.get("/api/v1/proxies", headers={**service_headers, **auth_headers(user)}).status_code == 200


def test_expired_access_token_is_refused(app, client, user):
    from app.auth import tokens

    token = tokens.issue_access_token(app.config["SECRET_KEY"], user_id=user["id"], uid=user["uid"], role="user",
                                      tier="free", ttl=-10)
    response = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401 and "expired" in response.get_json()["error"]["message"]


def test_token_signed_with_another_key_is_refused(client, user):
    from app.auth import tokens

    token = tokens.issue_access_token("another-secret-that-is-long-enough-for-hs256", user_id=user["id"], uid=user["uid"], role="admin",
                                      tier="family", ttl=600)
    assert client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def _claims(token: str) -> dict:
    import base64
    import json

    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_two_refreshes_in_the_same_second_give_different_tokens_that_both_work(client, make_user):
    user = make_user()
    refresh = client.post("/api/v1/auth/login",
                          json={"email": user["email"], "password": user["password"]}).get_json()["data"]["refreshToken"]
    for _ in range(20):  # until two rotations land in the same second (almost always the first try)
        first = client.post("/api/v1/auth/refresh", json={"refreshToken": refresh}).get_json()["data"]
        second = client.post("/api/v1/auth/refresh", json={"refreshToken": first["refreshToken"]}).get_json()["data"]
        refresh = second["refreshToken"]
        if _claims(first["accessToken"])["iat"] == _claims(second["accessToken"])["iat"]:
            break
    assert first["accessToken"] != second["accessToken"] and first["refreshToken"] != second["refreshToken"]
    assert _claims(first["accessToken"])["jti"] != _claims(second["accessToken"])["jti"]
    for bundle in (first, second):
        me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {bundle['accessToken']}"})
        assert me.status_code == 200 and me.get_json()["data"]["id"] == user["id"]


@pytest.fixture
def many_sign_ins(app):
    """The e-mail tests below sign in more often than RATE_LIMIT_AUTH allows one address."""
    saved = app.config["RATELIMIT_AUTH"]
    app.config["RATELIMIT_AUTH"] = "100000 per minute"
    yield
    app.config["RATELIMIT_AUTH"] = saved


_LABEL63 = "b" * 63
ADDRESSES = [
    # real addresses
    "a@b.co", "first.last+tag@mail.example.com", "o'brien@example.ie", "user_name-1@sub-domain.example.org",
    "USER@EXAMPLE.COM", "a@a--c.example.com", "a@abc--d.example.com",
    # internationalised domains: format: email judges their punycode, the pattern has no xn-- label
    "x@xn--80ak6aa92e.com", "info@xn--e1afmkfd.xn--p1ai", "a@b.xn--O", "a@xn--O.com", "a@ab--cd.com",
    # at the limits of format: email (RFC 5321: 64 octets of local part, 253 of domain)
    "l" * 64 + "@example.com", "l" * 65 + "@example.com",
    "a@" + f"{_LABEL63}." * 3 + "c" * 61, "a@" + f"{_LABEL63}." * 3 + "c" * 62,
    "a@" + "c" * 63 + ".com", "a@" + "c" * 64 + ".com",
    # not addresses, or not ones a mail server takes
    "useratexample.com", "a@b", "0@0.a", "a@x.c0m", "a..b@x.com", ".a@x.com", "a.@x.com", "a@-x.com",
    "a@x_y.com", "é@example.com", '"a b"@example.com', "a@[127.0.0.1]", "a@127.0.0.1", "a@example.com\n",
]


def test_the_server_takes_exactly_the_addresses_the_document_allows(client, many_sign_ins):
    """The document says ``format: email`` (as schemathesis' jsonschema_rs checks it) and a pattern;
    the server accepts an address exactly when both do."""
    import jsonschema_rs

    spec = client.get("/openapi.json").get_json()
    for schema_name, path, taken in (("Login", "login", 401), ("Register", "register", 201)):
        documented = spec["components"]["schemas"][schema_name]["properties"]["email"]
        assert documented["format"] == "email" and documented["maxLength"] == 254
        validator = jsonschema_rs.Draft4Validator(documented, validate_formats=True)
        for address in ADDRESSES:
            response = client.post(f"/api/v1/auth/{path}",
                                   json={"email": address, "password": "whatever1", "displayName": "Mail"}
                                   if path == "register" else {"email": address, "password": "whatever1"})
            assert response.status_code in (taken, 422), response.get_json()
            refused = response.status_code == 422 and "email" in response.get_json()["error"]["details"]["fields"]
            assert refused != validator.is_valid(address), (schema_name, address, response.get_json())


def test_an_address_with_a_long_local_part_is_refused_at_registration(client, many_sign_ins):
    too_long = register(client, email="l" * 65 + "@example.test")
    assert too_long.status_code == 422 and "email" in too_long.get_json()["error"]["details"]["fields"]
    assert register(client, email="l" * 64 + "@example.test").status_code == 201


def test_whatever_the_documented_email_pattern_generates_is_an_address_the_server_takes(client, many_sign_ins):
    """A generator (schemathesis) draws from the pattern and checks ``format: email``: no draw may fall
    between the two rules, or the server would be taking what the document refuses."""
    import jsonschema_rs
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    documented = client.get("/openapi.json").get_json()["components"]["schemas"]["Login"]["properties"]["email"]
    validator = jsonschema_rs.Draft4Validator(documented, validate_formats=True)

    def within_lengths(address: str) -> bool:
        local, _, domain = address.rpartition("@")
        return len(address) <= 254 and len(local) <= 64 and len(domain) <= 253

    @given(st.from_regex(documented["pattern"], fullmatch=True).filter(within_lengths))
    @settings(max_examples=60, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def check(address):
        assert validator.is_valid(address), address
        response = client.post("/api/v1/auth/login", json={"email": address, "password": "whatever1"})
        assert response.status_code == 401, (address, response.get_json())

    check()
