"""Search over HTTP: prefix matching, the ranking tiers, cast/genre matches, filters, limits."""
from tests.catalog.factories import create, movie_body


def search(client, query, headers=None):
    response = client.get("/api/v1/content/search", query_string=query, headers=headers or {})
    assert response.status_code == 200, response.get_json()
    return [item["title"] for item in response.get_json()["data"]]


def test_prefix_finds_the_title(client, admin_headers):
    create(client, admin_headers, movie_body(title="Interstellar", synopsis="Farmers cross a wormhole."))
    create(client, admin_headers, movie_body(title="Paddington", synopsis="A bear in London."))
    assert search(client, {"q": "inter"}) == ["Interstellar"]
    assert search(client, {"q": "INTERSTELLAR"}) == ["Interstellar"]


def test_exact_title_ranks_first_then_prefix_then_word_prefix_then_text(client, admin_headers):
    # text relevance would put the synopsis-heavy titles first; the title tiers win over it
    create(client, admin_headers, movie_body(title="Deep Water", synopsis="Harbor, harbor, harbor: the harbor."))
    create(client, admin_headers, movie_body(title="The Harbor Keeper", synopsis="Keeper of lights."))
    create(client, admin_headers, movie_body(title="Harbor Lights", synopsis="Lights over the harbor."))
    create(client, admin_headers, movie_body(title="Harbor", synopsis="Plain."))
    create(client, admin_headers, movie_body(title="Salt", synopsis="Sailors, after many long weeks at sea, "
                                                                    "reach the harbor at dawn."))
    assert search(client, {"q": "harbor"}) == ["Harbor", "Harbor Lights", "The Harbor Keeper", "Deep Water", "Salt"]


def test_cast_and_genres_are_searchable(client, admin_headers):
    create(client, admin_headers, movie_body(title="Quiet Roads", cast=[{"name": "Mireille Okafor", "role": "actor"}],
                                             genres=["Documentary"]))
    create(client, admin_headers, movie_body(title="Loud Roads", genres=["Comedy"]))
    assert search(client, {"q": "okafor"}) == ["Quiet Roads"]
    assert search(client, {"q": "documen"}) == ["Quiet Roads"]
    assert search(client, {"q": "roads", "genre": "comedy"}) == ["Loud Roads"]


def test_edits_and_deletes_reach_the_index(client, admin_headers):
    movie = create(client, admin_headers, movie_body(title="Before Name"))
    client.patch(f"/api/v1/content/{movie['id']}", json={"title": "After Name"}, headers=admin_headers)
    assert search(client, {"q": "before"}) == []
    assert search(client, {"q": "after"}) == ["After Name"]
    client.delete(f"/api/v1/content/{movie['id']}", headers=admin_headers)
    assert search(client, {"q": "after"}) == []


def test_drafts_and_restricted_titles_stay_hidden(client, admin_headers):
    create(client, admin_headers, movie_body(title="Hidden Draft", status="draft"))
    assert search(client, {"q": "hidden"}) == []
    assert search(client, {"q": "hidden"}, admin_headers) == ["Hidden Draft"]


def test_odd_queries_never_fail(client, admin_headers):
    create(client, admin_headers, movie_body(title="Amélie's Garden"))
    for query in ['"', "NOT", "a AND OR", "*", "\u202e\u0301", "😀 film", "100%", "x_y", "NEAR(a b)", "é", "ß"]:
        assert isinstance(search(client, {"q": query}), list), query
    assert search(client, {"q": "amélie"}) == ["Amélie's Garden"]
    empty = client.get("/api/v1/content/search")
    assert empty.status_code == 422 and "q" in empty.get_json()["error"]["details"]["fields"]
    assert client.get("/api/v1/content/search", query_string={"q": "x" * 201}).status_code == 422
    assert client.get("/api/v1/content/search", query_string={"q": "a\x00b"}).status_code == 422


def test_search_is_rate_limited_per_user(client, user_headers, make_user, auth_headers):
    for _ in range(30):
        assert client.get("/api/v1/content/search?q=x", headers=user_headers).status_code == 200
    limited = client.get("/api/v1/content/search?q=x", headers=user_headers)
    assert limited.status_code == 429 and limited.get_json()["error"]["code"] == "RATE_LIMIT_ERROR"
    other = auth_headers(make_user())
    assert client.get("/api/v1/content/search?q=x", headers=other).status_code == 200


def test_typos_are_forgiven_where_trigrams_exist(client, admin_headers, app):
    import pytest

    from app.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("trigram similarity is a PostgreSQL (pg_trgm) feature")
    create(client, admin_headers, movie_body(title="Interstellar"))
    assert search(client, {"q": "interstelar"}) == ["Interstellar"]
