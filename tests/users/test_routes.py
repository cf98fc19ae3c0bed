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
