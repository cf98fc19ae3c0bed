"""Local accounts through the HTTP API."""


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
