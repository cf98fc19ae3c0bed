"""GET /api/v1/recommendations/similar/{contentId}: content first, co-watching as it gathers."""
import time

import pytest

from tests.catalog.factories import create, movie_body
from tests.recommendations.viewing import watch


def people(director, *actors):
    return [{"name": director, "role": "director"}] + [{"name": a, "role": "actor", "character": "X"} for a in actors]


def similar(client, headers, content_id, **params):
    return client.get(f"/api/v1/recommendations/similar/{content_id}", query_string=params, headers=headers)


def ids(response):
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["data"]]


@pytest.fixture
def titles(client, admin_headers):
    def make(title, genres, cast, year=2016, language="en", **extra):
        return create(client, admin_headers, movie_body(title=title, genres=genres, cast=cast, releaseYear=year,
                                                        originalLanguage=language, **extra))
    return {
        "arrival": make("Arrival", ["Science Fiction", "Drama"], people("Denis Villeneuve", "Amy Adams")),
        "blade": make("Blade Runner 2049", ["Science Fiction"], people("Denis Villeneuve", "Ryan Gosling"), 2017),
        "matrix": make("The Matrix", ["Science Fiction", "Action"], people("Lana Wachowski", "Keanu Reeves"), 1999),
        "amelie": make("Amelie", ["Comedy"], people("Jean-Pierre Jeunet", "Audrey Tautou"), 2001, "fr"),
        "premium": make("Dune", ["Science Fiction"], people("Denis Villeneuve", "Timothee Chalamet"), 2021,
                        tierRequired="premium"),
        "draft": make("Draft Cut", ["Science Fiction"], people("Denis Villeneuve"), status="draft"),
    }


def test_a_title_nobody_watched_gets_its_content_neighbours_never_itself(client, user_headers, titles):
    response = similar(client, user_headers, titles["arrival"]["id"])
    ranked = ids(response)
    # same director, genre and era; then a shared genre; then only neighbouring decades
    assert ranked == [titles["blade"]["id"], titles["matrix"]["id"], titles["amelie"]["id"]]
    # never itself, nor a title above the viewer's tier, nor a draft
    body = response.get_json()
    assert body["meta"]["modelVersion"].startswith("similar-content@")
    assert body["data"][0]["reason"] == {"code": "similar", "text": "More like Arrival",
                                         "contentId": titles["arrival"]["id"], "genre": None}


def test_the_viewer_must_be_allowed_the_title(client, user_headers, make_user, auth_headers, titles):
    assert similar(client, user_headers, titles["draft"]["id"]).status_code == 404
    assert similar(client, user_headers, 999_999).status_code == 404
    assert similar(client, user_headers, 2**70).status_code == 404
    assert similar(client, {}, titles["arrival"]["id"]).status_code == 401
    premium = auth_headers(make_user(tier="premium"))
    assert titles["premium"]["id"] in ids(similar(client, premium, titles["arrival"]["id"]))
    response = similar(client, user_headers, titles["arrival"]["id"], perPage=500)
    assert response.status_code == 422 and "perPage" in response.get_json()["error"]["details"]["fields"]


def test_the_worker_blends_in_co_watching_and_new_titles_are_scored_against_its_model(
        app, client, admin_headers, user_headers, make_user, titles, celery_worker):
    fans = [make_user() for _ in range(12)]
    for fan in fans:  # Arrival's audience also watches Amelie, which shares nothing else with it
        watch(app, fan["id"], titles["arrival"]["id"], completed=True)
        watch(app, fan["id"], titles["amelie"]["id"])
    app.extensions["celery"].send_task("workers.recommendations.build_similar")
    deadline = time.monotonic() + 30
    while not similar(client, user_headers, titles["arrival"]["id"]).get_json()["meta"]["modelVersion"] \
            .startswith("similar@"):
        assert time.monotonic() < deadline, "the worker did not build similar titles"
        time.sleep(0.2)
    ranked = ids(similar(client, user_headers, titles["arrival"]["id"]))
    assert ranked[0] == titles["amelie"]["id"]  # twelve co-watchers outweigh the content match
    assert ranked[1] == titles["blade"]["id"]
    assert ids(similar(client, user_headers, titles["amelie"]["id"]))[0] == titles["arrival"]["id"]
    # a title added after the build: content similarity against the stored feature model
    sicario = create(client, admin_headers, movie_body(title="Sicario", genres=["Drama"], releaseYear=2015,
                                                       cast=people("Denis Villeneuve", "Emily Blunt")))
    response = similar(client, user_headers, sicario["id"])
    assert response.get_json()["meta"]["modelVersion"].startswith("similar-content@")
    assert ids(response)[0] == titles["arrival"]["id"] and sicario["id"] not in ids(response)
