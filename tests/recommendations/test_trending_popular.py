"""Trending and popular: ranked from playback in SQL, stored in Redis, filtered per viewer."""
import pytest

from tests.catalog.factories import create, movie_body
from tests.recommendations.viewing import watch


@pytest.fixture
def viewers(make_user):
    return [make_user() for _ in range(6)]


def ids(response):
    body = response.get_json()
    assert response.status_code == 200, body
    return [item["id"] for item in body["data"]]


def trending(client, headers, window="7d", **params):
    return client.get("/api/v1/recommendations/trending", query_string={"window": window, **params}, headers=headers)


def test_trending_weighs_recent_viewers_and_completions(app, client, admin_headers, user_headers, viewers):
    old, recent, finished, one_fan = (create(client, admin_headers, movie_body()) for _ in range(4))
    for viewer in viewers[:3]:
        watch(app, viewer["id"], old["id"], hours_ago=100)      # three viewers, four days ago
    for viewer in viewers[:2]:
        watch(app, viewer["id"], recent["id"], hours_ago=2)     # two viewers, just now
    watch(app, viewers[0]["id"], finished["id"], hours_ago=2, completed=True)
    watch(app, viewers[1]["id"], finished["id"], hours_ago=3)
    for _ in range(5):                                          # one viewer, many sessions: still one
        watch(app, viewers[5]["id"], one_fan["id"], hours_ago=1)

    assert ids(trending(client, user_headers, "24h")) == [finished["id"], recent["id"], one_fan["id"]]
    week = trending(client, user_headers, "7d")  # half-life 42 h: three viewers 100 h ago weigh ~0.6
    assert ids(week) == [finished["id"], recent["id"], one_fan["id"], old["id"]]
    # half-life 7.5 days: the three older viewers count about as two new ones
    assert ids(trending(client, user_headers, "30d")) == [finished["id"], old["id"], recent["id"], one_fan["id"]]
    meta = week.get_json()["meta"]
    assert meta["modelVersion"].startswith("trending-7d@") and meta["total"] == 4 and meta["pages"] == 1
    assert week.get_json()["data"][0]["reason"] == {"code": "trending", "text": "Trending now", "contentId": None,
                                                    "genre": None}


def test_lists_keep_to_the_viewers_tier_and_maturity(app, client, admin_headers, make_user, auth_headers, viewers):
    from app.auth import service as auth_service

    free = create(client, admin_headers, movie_body(maturityRating="PG"))
    premium = create(client, admin_headers, movie_body(tierRequired="premium", maturityRating="PG"))
    mature = create(client, admin_headers, movie_body(maturityRating="R"))
    draft = create(client, admin_headers, movie_body(status="draft"))
    for content in (free, premium, mature, draft):
        for viewer in viewers[:3]:
            watch(app, viewer["id"], content["id"])
    free_user, premium_user = make_user(), make_user(tier="premium")
    child = make_user(tier="family")
    with app.app_context():
        auth_service.update_profile(child["id"], {"preferences": {"maturityLimit": "PG"}})

    for path in ("/api/v1/recommendations/trending", "/api/v1/recommendations/popular?genre=drama"):
        assert sorted(ids(client.get(path, headers=auth_headers(free_user)))) == sorted([free["id"], mature["id"]])
        assert sorted(ids(client.get(path, headers=auth_headers(premium_user)))) == sorted(
            [free["id"], premium["id"], mature["id"]])
        assert sorted(ids(client.get(path, headers=auth_headers(child)))) == sorted([free["id"], premium["id"]])
        assert draft["id"] not in ids(client.get(path, headers=admin_headers))


def test_pages_split_the_list_without_repeats(app, client, admin_headers, user_headers, viewers):
    titles = [create(client, admin_headers, movie_body()) for _ in range(5)]
    for rank, content in enumerate(titles):
        for viewer in viewers[:rank + 1]:
            watch(app, viewer["id"], content["id"])
    first = trending(client, user_headers, perPage=2)
    second = trending(client, user_headers, perPage=2, page=2)
    third = trending(client, user_headers, perPage=2, page=3)
    seen = ids(first) + ids(second) + ids(third)
    assert seen == [t["id"] for t in reversed(titles)]
    assert first.get_json()["meta"] | {"modelVersion": None, "generatedAt": None} == {
        "page": 1, "perPage": 2, "total": 5, "pages": 3, "modelVersion": None, "generatedAt": None}
    assert ids(trending(client, user_headers, perPage=2, page=4)) == []


def test_popular_counts_distinct_viewers_per_genre_with_a_minimum(app, client, admin_headers, user_headers,
                                                                  viewers):
    drama = create(client, admin_headers, movie_body(genres=["Drama"]))
    both = create(client, admin_headers, movie_body(genres=["Drama", "Comedy"]))
    lonely = create(client, admin_headers, movie_body(genres=["Comedy"]))
    for viewer in viewers[:4]:
        watch(app, viewer["id"], both["id"])
    for viewer in viewers[:2]:
        watch(app, viewer["id"], drama["id"])
        watch(app, viewer["id"], drama["id"], hours_ago=30)
    watch(app, viewers[0]["id"], lonely["id"])  # one viewer: under RECS_POPULAR_MIN_VIEWERS

    response = client.get("/api/v1/recommendations/popular", query_string={"genre": "drama"}, headers=user_headers)
    assert ids(response) == [both["id"], drama["id"]]
    assert [item["score"] for item in response.get_json()["data"]] == [4.0, 2.0]
    assert response.get_json()["data"][0]["reason"] == {"code": "popular-in-genre", "text": "Popular in Drama",
                                                        "contentId": None, "genre": "drama"}
    assert ids(client.get("/api/v1/recommendations/popular?genre=comedy", headers=user_headers)) == [both["id"]]
    assert ids(client.get("/api/v1/recommendations/popular?genre=no-such-genre", headers=user_headers)) == []

    rows = client.get("/api/v1/recommendations/popular", headers=user_headers).get_json()
    assert [(row["genre"], row["name"], [i["id"] for i in row["items"]]) for row in rows["data"]] == [
        ("drama", "Drama", [both["id"], drama["id"]]), ("comedy", "Comedy", [both["id"]])]
    assert rows["meta"]["total"] == 2 and rows["meta"]["modelVersion"].startswith("popular@")
    paged = client.get("/api/v1/recommendations/popular?perPage=1&page=2", headers=user_headers).get_json()
    assert [row["genre"] for row in paged["data"]] == ["comedy"]


def test_identity_and_arguments_are_checked(client, user_headers):
    for path in ("/api/v1/recommendations/trending", "/api/v1/recommendations/popular"):
        response = client.get(path)
        assert response.status_code == 401 and response.get_json()["error"]["code"] == "AUTHENTICATION_ERROR"
        response = client.get(path, headers={"Authorization": "Bearer not-a-token"})
        assert response.status_code == 401
    response = client.get("/api/v1/recommendations/trending?window=1y", headers=user_headers)
    assert response.status_code == 422 and "window" in response.get_json()["error"]["details"]["fields"]
    response = client.get("/api/v1/recommendations/popular?genre=", headers=user_headers)
    assert response.status_code == 422 and "genre" in response.get_json()["error"]["details"]["fields"]
    response = client.get("/api/v1/recommendations/popular?perPage=0", headers=user_headers)
    assert response.status_code == 422 and "perPage" in response.get_json()["error"]["details"]["fields"]


def test_lists_are_served_from_the_stored_build_until_the_worker_rebuilds_them(app, client, admin_headers,
                                                                                 user_headers, viewers,
                                                                                 celery_worker):
    first, second = (create(client, admin_headers, movie_body()) for _ in range(2))
    watch(app, viewers[0]["id"], first["id"])
    before = trending(client, user_headers)
    assert ids(before) == [first["id"]]
    for viewer in viewers[:3]:
        watch(app, viewer["id"], second["id"])
    again = trending(client, user_headers)
    assert ids(again) == [first["id"]]  # the stored list: no ranking on a request
    assert again.get_json()["meta"]["modelVersion"] == before.get_json()["meta"]["modelVersion"]

    app.extensions["celery"].send_task("workers.recommendations.refresh_lists")
    import time
    deadline = time.monotonic() + 20
    while ids(trending(client, user_headers)) != [second["id"], first["id"]]:
        assert time.monotonic() < deadline, "the worker did not rebuild the lists"
        time.sleep(0.2)


def test_an_admin_change_to_a_title_reaches_the_next_request(app, client, admin_headers, user_headers, viewers):
    """Lists are filtered against the catalog as it is now, not as it was when they were ranked."""
    first, second = (create(client, admin_headers, movie_body()) for _ in range(2))
    for content in (first, second):
        for viewer in viewers[:2]:
            watch(app, viewer["id"], content["id"])
    assert sorted(ids(trending(client, user_headers))) == sorted([first["id"], second["id"]])
    patched = client.patch(f"/api/v1/content/{first['id']}", json={"tierRequired": "premium"}, headers=admin_headers)
    assert patched.status_code == 200, patched.get_json()
    assert ids(trending(client, user_headers)) == [second["id"]]
    client.patch(f"/api/v1/content/{second['id']}", json={"status": "draft"}, headers=admin_headers)
    assert ids(trending(client, user_headers)) == []
    assert client.delete(f"/api/v1/content/{first['id']}", headers=admin_headers).status_code in (200, 204)
    assert ids(trending(client, admin_headers)) == []
