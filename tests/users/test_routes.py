"""Profiles, favorites and who may see them."""
from tests.catalog.factories import create, movie_body


def test_profile_me_and_by_id(client, user, user_headers):
    me = client.get("/api/v1/users/me", headers=user_headers)
    assert me.status_code == 200 and me.get_json()["data"]["id"] == user["id"]
    by_id = client.get(f"/api/v1/users/{user['id']}", headers=user_headers)
    assert by_id.get_json()["data"]["email"] == user["email"]
    assert client.get("/api/v1/users/me").status_code == 401


def test_patch_profile_and_preferences(client, user_headers):
    response = client.patch("/api/v1/users/me", headers=user_headers, json={
        "displayName": "Rosa", "avatarUrl": "https://img.example.test/rosa.png",
        "preferences": {"language": "es", "subtitleLanguage": "en", "autoplayNextEpisode": False,
                        "maturityLimit": "PG-13"}})
    assert response.status_code == 200
    data = response.get_json()["data"]
    assert data["displayName"] == "Rosa"
    assert data["preferences"] == {"language": "es", "subtitleLanguage": "en", "autoplayNextEpisode": False,
                                   "maturityLimit": "PG-13"}
    # preferences merge: one key changes, the others stay
    again = client.patch("/api/v1/users/me", headers=user_headers, json={"preferences": {"language": "fr"}})
    assert again.get_json()["data"]["preferences"]["subtitleLanguage"] == "en"
    bad = client.patch("/api/v1/users/me", headers=user_headers, json={"preferences": {"maturityLimit": "X"}})
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "VALIDATION_ERROR"


def test_only_admins_change_tiers_and_see_others(client, user, make_user, auth_headers, admin_headers):
    headers = auth_headers(user)
    refused = client.patch("/api/v1/users/me", headers=headers, json={"subscriptionTier": "family"})
    assert refused.status_code == 403
    other = make_user()
    assert client.get(f"/api/v1/users/{other['id']}", headers=headers).status_code == 403
    assert client.get(f"/api/v1/users/{other['id']}/favorites", headers=headers).status_code == 403
    upgraded = client.patch(f"/api/v1/users/{other['id']}", headers=admin_headers, json={"subscriptionTier": "family"})
    assert upgraded.status_code == 200 and upgraded.get_json()["data"]["subscriptionTier"] == "family"
    assert client.get("/api/v1/users/999999", headers=admin_headers).status_code == 404
    assert client.get("/api/v1/users/99999999999999", headers=admin_headers).status_code == 404
    assert client.get("/api/v1/users/abc", headers=admin_headers).status_code == 404


def test_favorites_are_idempotent(client, admin_headers, user_headers):
    movie = create(client, admin_headers, movie_body(title="Keeper"))
    first = client.post("/api/v1/users/me/favorites", json={"contentId": movie["id"]}, headers=user_headers)
    second = client.post("/api/v1/users/me/favorites", json={"contentId": movie["id"]}, headers=user_headers)
    assert first.status_code == second.status_code == 200
    listing = client.get("/api/v1/users/me/favorites", headers=user_headers).get_json()
    assert listing["meta"]["total"] == 1 and listing["data"][0]["content"]["title"] == "Keeper"
    assert client.post("/api/v1/users/me/favorites", json={"contentId": 424242},
                       headers=user_headers).status_code == 404
    removed = client.delete(f"/api/v1/users/me/favorites/{movie['id']}", headers=user_headers)
    assert removed.get_json()["data"] == {"removed": True}
    assert client.get("/api/v1/users/me/favorites", headers=user_headers).get_json()["meta"]["total"] == 0


def test_deleting_content_removes_favorites(client, admin_headers, user_headers):
    movie = create(client, admin_headers, movie_body())
    client.post("/api/v1/users/me/favorites", json={"contentId": movie["id"]}, headers=user_headers)
    client.delete(f"/api/v1/content/{movie['id']}", headers=admin_headers)
    listing = client.get("/api/v1/users/me/favorites", headers=user_headers)
    assert listing.status_code == 200 and listing.get_json()["meta"]["total"] == 0


def test_services_are_not_users(client, service_headers):
    response = client.get("/api/v1/users/me", headers=service_headers)
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "AUTHENTICATION_ERROR"


def test_missing_or_wrong_credentials_are_refused(client):
    bad = {"Authorization": "Bearer not-a-token"}
    for method, path in [("get", "/api/v1/users/me"), ("get", "/api/v1/users/me/history"),
                         ("get", "/api/v1/users/me/continue-watching"), ("get", "/api/v1/users/me/favorites"),
                         ("post", "/api/v1/streaming/session"), ("get", "/api/v1/streaming/history"),
                         ("get", "/api/v1/streaming/analytics"), ("get", "/api/v1/admin/stats"),
                         ("post", "/api/v1/content")]:
        for headers in ({}, bad):
            response = getattr(client, method)(path, headers=headers, json={} if method == "post" else None)
            assert response.status_code == 401, (method, path, headers)
            assert response.get_json()["error"]["code"] == "AUTHENTICATION_ERROR"
    # a bad token is refused even where anonymous access is allowed
    assert client.get("/api/v1/content", headers=bad).status_code == 401


def test_seed_002_put_updates_a_profile_like_patch(live_server, user, make_user, auth_headers, admin_headers):
    import requests

    url = f"{live_server.url}/api/v1/users/{user['id']}"
    headers = auth_headers(user)
    response = requests.put(url, json={"displayName": "Rosa", "preferences": {"language": "es"}},
                            headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["displayName"] == "Rosa" and data["preferences"]["language"] == "es"
    # the fields not sent keep their values, as with PATCH
    again = requests.put(f"{live_server.url}/api/v1/users/me", json={"avatarUrl": "https://img.example.test/r.png"},
                         headers=headers, timeout=10).json()["data"]
    assert again["displayName"] == "Rosa" and again["avatarUrl"] == "https://img.example.test/r.png"
    # the same rules: the user themself or an admin, the tier by admins only, bad input named
    other = make_user()
    assert requests.put(f"{live_server.url}/api/v1/users/{other['id']}", json={"displayName": "X"},
                        headers=headers, timeout=10).status_code == 403
    assert requests.put(url, json={"subscriptionTier": "family"}, headers=headers, timeout=10).status_code == 403
    upgraded = requests.put(url, json={"subscriptionTier": "family"}, headers=admin_headers, timeout=10)
    assert upgraded.status_code == 200 and upgraded.json()["data"]["subscriptionTier"] == "family"
    bad = requests.put(url, json={"displayName": ""}, headers=headers, timeout=10)
    assert bad.status_code == 422 and "displayName" in bad.json()["error"]["details"]["fields"]
    assert requests.put(url, json={"displayName": "Y"}, timeout=10).status_code == 401


REAL_AVATARS = [
    "https://www.gravatar.com/avatar/205e460b479e2e5b48aec07710c08d50?s=200&d=mp",
    "https://lh3.googleusercontent.com/a/ACg8ocJx0Zq3Bd7Z9kS2=s96-c",
    "https://avatars.githubusercontent.com/u/583231?v=4",
    "https://pbs.twimg.com/profile_images/1683325380441128960/yRsRRjGO_400x400.jpg",
    "https://cdn.discordapp.com/avatars/80351110224678912/a_1269e74af4df7417b13759eae50c83dc.gif?size=256",
    "https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=10158&height=200&width=200&ext=1&hash=AeS",
    "https://a-very-long-subdomain-label-for-images.cdn.example.com/a%20b/(1).png#top",
    "https://img.example.com:10443/me.png", "https://img.example.com:65535/me.png",
    "http://localhost:5000/static/me.png", "http://192.168.1.20:8096/Users/1/Images/Primary",
    "https://img.xn--e1afmkfd.xn--p1ai/me.png",
]
NOT_AVATARS = [
    "https://0.a", "https://a", "https://a.b", "https://img.example.com:0/x", "https://img.example.com:65536/x",
    "ftp://img.example.com/me.png", "javascript:alert(1)", "//img.example.com/me.png", "img.example.com/me.png",
    "https://user:secret@img.example.com/me.png", "https://img.example.com/a b.png", "https://img.example.com/%zz",
    "https://img.example.com/a|b", "https://[::1]/me.png", "https://1.2.3.400/me.png", "https://-a.example.com/",
    "https://img.example.com/me.png\n", "https://img.example.com/é.png", "https://img.example.com/" + "a" * 1001,
]


def _documented(spec: dict, component: str, prop: str) -> dict:
    return spec["components"]["schemas"][component]["properties"][prop]


def test_the_server_takes_exactly_the_avatar_urls_the_document_allows(client, user_headers):
    """The document states a ``format: uri`` and a pattern (jsonschema_rs, schemathesis' checker, holds
    both); the server takes a URL exactly when they do: real avatar URLs in, junk out."""
    import jsonschema_rs

    documented = {k: v for k, v in _documented(client.get("/openapi.json").get_json(), "ProfilePatch",
                                               "avatarUrl").items() if k != "nullable"}
    assert documented["format"] == "uri" and documented["maxLength"] == 1024
    validator = jsonschema_rs.Draft4Validator(documented, validate_formats=True)
    for url in REAL_AVATARS + NOT_AVATARS:
        response = client.patch("/api/v1/users/me", json={"avatarUrl": url}, headers=user_headers)
        assert response.status_code in (200, 422), response.get_json()
        taken = response.status_code == 200
        assert taken == validator.is_valid(url) == (url in REAL_AVATARS), (url, response.get_json())
        if taken:
            assert response.get_json()["data"]["avatarUrl"] == url
        else:
            assert "avatarUrl" in response.get_json()["error"]["details"]["fields"]


def test_every_image_url_field_is_the_same_field(client):
    spec = client.get("/openapi.json").get_json()
    fields = [("ProfilePatch", "avatarUrl"), ("ContentWrite", "posterUrl"), ("ContentWrite", "backdropUrl"),
              ("ContentPatch", "posterUrl"), ("SeasonUpdate", "posterUrl"), ("Episode", "stillUrl"),
              ("EpisodePatch", "stillUrl")]
    documented = [_documented(spec, component, prop) for component, prop in fields]
    assert all(d == documented[0] for d in documented), documented


def test_whatever_the_documented_url_pattern_generates_is_a_uri_the_server_takes(client, user_headers):
    """A generator (schemathesis) draws from the pattern and checks ``format: uri`` as well: no draw may
    fall between the two rules, or the server would be taking what the document refuses."""
    import jsonschema_rs
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    documented = _documented(client.get("/openapi.json").get_json(), "ProfilePatch", "avatarUrl")
    uri = jsonschema_rs.Draft4Validator({"type": "string", "format": "uri"}, validate_formats=True)

    @given(st.from_regex(documented["pattern"], fullmatch=True).filter(lambda url: len(url) <= 1024))
    @settings(max_examples=60, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def check(url):
        assert uri.is_valid(url), url
        response = client.patch("/api/v1/users/me", json={"avatarUrl": url}, headers=user_headers)
        assert response.status_code == 200, (url, response.get_json())

    check()
