"""The catalog's home rows and the admin stats, served by the recommendations domain."""
from tests.catalog.factories import create, movie_body
from tests.recommendations.viewing import watch


def home(client, headers=None):
    response = client.get("/api/v1/content/catalog", headers=headers or {})
    assert response.status_code == 200, response.get_json()
    return {row["id"]: row for row in response.get_json()["data"]["rows"]}


def test_home_rows_because_you_watched_and_trending_come_from_recommendations(app, client, admin_headers,
                                                                               make_user, auth_headers):
    from app.recommendations import personal

    arrival = create(client, admin_headers, movie_body(title="Arrival", genres=["Science Fiction"]))
    others = [create(client, admin_headers, movie_body(title=f"Space {n}", genres=["Science Fiction"]))
              for n in range(3)]
    comedy = create(client, admin_headers, movie_body(title="Laughs", genres=["Comedy"]))
    for _ in range(6):
        fan = make_user()
        for movie in [arrival, *others]:
            watch(app, fan["id"], movie["id"], hours_ago=30, completed=True)
    for _ in range(2):
        watch(app, make_user()["id"], comedy["id"], hours_ago=1)
    viewer = make_user()
    watch(app, viewer["id"], arrival["id"], completed=True)
    with app.app_context():
        personal.train(app.config, "test-job")

    rows = home(client, auth_headers(viewer))
    because = rows["because-you-watched"]
    assert because["title"] == "Because you watched Arrival"
    assert {card["id"] for card in because["items"]} == {movie["id"] for movie in others}
    assert list(rows).index("because-you-watched") < list(rows).index("trending")
    trending = client.get("/api/v1/recommendations/trending?window=7d&perPage=12",
                          headers=auth_headers(viewer)).get_json()["data"]
    assert [card["id"] for card in rows["trending"]["items"]] == [card["id"] for card in trending]
    assert rows["trending"]["items"][0]["id"] == arrival["id"]  # seven viewers this week, all finished it
    assert comedy["id"] in [card["id"] for card in rows["trending"]["items"]]
    anonymous = home(client)
    assert "because-you-watched" not in anonymous
    assert [card["id"] for card in anonymous["trending"]["items"]] == [card["id"] for card in trending]


def test_admin_stats_show_the_model_serving_and_its_held_out_figures(app, client, admin_headers, make_user):
    from app.recommendations import personal

    before = client.get("/api/v1/admin/stats", headers=admin_headers).get_json()["data"]
    assert before["recommendations"] is None
    movies = [create(client, admin_headers, movie_body()) for _ in range(12)]
    for n in range(10):  # two audiences of six titles each, watched in a different order by each fan
        fan = make_user()
        group = movies[n % 2::2]
        for hours, movie in enumerate(group[n // 2:] + group[:n // 2]):
            watch(app, fan["id"], movie["id"], hours_ago=10 - hours, completed=True)
    with app.app_context():
        info = personal.train(app.config, "test-job")
    stats = client.get("/api/v1/admin/stats", headers=admin_headers).get_json()["data"]["recommendations"]
    assert stats["model"] == "ease" and stats["version"] == info["version"] and stats["users"] == 10
    assert set(stats["evaluation"]) == {"ndcg@10", "recall@20", "testUsers", "holdout"}
    # each fan's latest title is held out; the other fans of their audience watched it
    assert stats["evaluation"]["testUsers"] == 10 and stats["evaluation"]["recall@20"] == 1.0
    assert client.get("/api/v1/admin/stats", headers=admin_headers).status_code == 200
