"""The catalog over HTTP: lists, filters, details, admin writes, sources."""
from tests.catalog.factories import create, movie_body, series_body


def titles(response):
    assert response.status_code == 200, response.get_json()
    return [item["title"] for item in response.get_json()["data"]]


def test_admin_creates_a_movie_and_anyone_reads_it(client, admin_headers):
    created = create(client, admin_headers, movie_body(title="The Long Field", genres=["Drama", "War"]))
    assert created["slug"].startswith("the-long-field")
    response = client.get(f"/api/v1/content/{created['id']}")
    assert response.status_code == 200
    data = response.get_json()["data"]
    assert data["title"] == "The Long Field" and data["genres"] == ["Drama", "War"]
    assert data["cast"] == [{"name": "Ada Lane", "role": "actor", "character": "Ruth"}]
    assert data["tierRequired"] == "free" and data["viewCount"] == 0


def test_series_detail_has_seasons_and_episodes(client, admin_headers):
    series = create(client, admin_headers, series_body(title="Harbor Lights", seasons=2, episodes=2))
    data = client.get(f"/api/v1/content/{series['id']}").get_json()["data"]
    assert [s["number"] for s in data["seasons"]] == [1, 2]
    assert [e["title"] for e in data["seasons"][1]["episodes"]] == ["Episode 2x1", "Episode 2x2"]


def test_writes_need_an_admin(client, user_headers):
    assert client.post("/api/v1/content", json=movie_body()).status_code == 401
    response = client.post("/api/v1/content", json=movie_body(), headers=user_headers)
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "AUTHORIZATION_ERROR"


def test_list_filters_and_sorts(client, admin_headers):
    create(client, admin_headers, movie_body(title="Alpha", releaseYear=1999, genres=["Comedy"], averageRating=6.0))
    create(client, admin_headers, movie_body(title="Bravo", releaseYear=2010, genres=["Drama"], averageRating=8.5,
                                             originalLanguage="fr", tierRequired="premium"))
    create(client, admin_headers, series_body(title="Charlie", releaseYear=2020, genres=["Drama", "Comedy"]))
    assert titles(client.get("/api/v1/content?sort=title")) == ["Alpha", "Bravo", "Charlie"]
    assert titles(client.get("/api/v1/content?sort=newest")) == ["Charlie", "Bravo", "Alpha"]
    assert titles(client.get("/api/v1/content?sort=rating")) == ["Bravo", "Charlie", "Alpha"]
    assert titles(client.get("/api/v1/content?kind=series")) == ["Charlie"]
    assert titles(client.get("/api/v1/content?genre=comedy&sort=title")) == ["Alpha", "Charlie"]
    assert titles(client.get("/api/v1/content?genre=comedy&genre=drama&sort=title")) == ["Alpha", "Bravo", "Charlie"]
    assert titles(client.get("/api/v1/content?genre=comedy,drama&sort=title")) == ["Alpha", "Bravo", "Charlie"]
    assert titles(client.get("/api/v1/content?yearFrom=2000&yearTo=2015")) == ["Bravo"]
    assert titles(client.get("/api/v1/content?minRating=8")) == ["Bravo"]
    assert titles(client.get("/api/v1/content?tierRequired=premium")) == ["Bravo"]
    assert titles(client.get("/api/v1/content?language=fr")) == ["Bravo"]


def test_pagination_reports_the_total(client, admin_headers):
    for n in range(5):
        create(client, admin_headers, movie_body(title=f"Page {n}"))
    body = client.get("/api/v1/content?perPage=2&page=3&sort=title").get_json()
    assert body["meta"] == {"page": 3, "perPage": 2, "total": 5, "pages": 3}
    assert [item["title"] for item in body["data"]] == ["Page 4"]
    assert client.get("/api/v1/content?perPage=101").status_code == 422
    huge = client.get("/api/v1/content?page=100000")
    assert huge.status_code == 200 and huge.get_json()["data"] == []


def test_unknown_filter_values_are_validation_errors(client, admin_headers):
    create(client, admin_headers, movie_body())
    for query, field in [("kind=cartoon", "kind"), ("type=cartoon", "type"), ("sort=loudest", "sort"),
                         ("tierRequired=gold", "tierRequired"), ("tier=gold", "tier"),
                         ("kind=movie&type=series", "type"), ("tierRequired=free&tier=premium", "tier"),
                         ("language=english", "language"), ("yearFrom=abc", "yearFrom"),
                         ("colour=red", "colour"), ("yearFrom=2010&yearTo=2000", "yearFrom")]:
        response = client.get(f"/api/v1/content?{query}")
        assert response.status_code == 422, query
        error = response.get_json()["error"]
        assert error["code"] == "VALIDATION_ERROR" and field in str(error["details"]), (query, error)


def test_an_unknown_genre_matches_nothing(client, admin_headers):
    # which genres exist is data, not part of the document: an unknown one is a filter nothing matches
    create(client, admin_headers, movie_body())
    for query in ("genre=nope", "genre=nope,also-nope", "genre=nope&genre=nope2"):
        response = client.get(f"/api/v1/content?{query}")
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["data"] == [] and response.get_json()["meta"]["total"] == 0
    assert titles(client.get("/api/v1/content")) != []


def test_drafts_are_visible_to_admins_only(client, admin_headers, user_headers):
    draft = create(client, admin_headers, movie_body(title="Secret Cut", status="draft"))
    assert titles(client.get("/api/v1/content")) == []
    assert titles(client.get("/api/v1/content", headers=user_headers)) == []
    assert titles(client.get("/api/v1/content", headers=admin_headers)) == ["Secret Cut"]
    assert titles(client.get("/api/v1/content?status=published", headers=admin_headers)) == []
    assert client.get(f"/api/v1/content/{draft['id']}").status_code == 404
    assert client.get(f"/api/v1/content/{draft['id']}", headers=admin_headers).status_code == 200


def test_put_patch_and_delete(client, admin_headers):
    movie = create(client, admin_headers, movie_body(title="Old Name"))
    patched = client.patch(f"/api/v1/content/{movie['id']}", json={"title": "New Name", "genres": ["Thriller"]},
                           headers=admin_headers)
    assert patched.status_code == 200
    assert patched.get_json()["data"]["title"] == "New Name"
    assert patched.get_json()["data"]["genres"] == ["Thriller"]
    put = client.put(f"/api/v1/content/{movie['id']}", json=movie_body(title="Put Name"), headers=admin_headers)
    assert put.status_code == 200 and put.get_json()["data"]["title"] == "Put Name"
    incomplete = client.put(f"/api/v1/content/{movie['id']}", json={"title": "x"}, headers=admin_headers)
    assert incomplete.status_code == 422
    assert client.delete(f"/api/v1/content/{movie['id']}", headers=admin_headers).status_code == 200
    assert client.get(f"/api/v1/content/{movie['id']}").status_code == 404
    assert client.delete(f"/api/v1/content/{movie['id']}", headers=admin_headers).status_code == 404


def test_slug_conflict_and_ids_out_of_range(client, admin_headers):
    create(client, admin_headers, movie_body(slug="same-slug"))
    again = client.post("/api/v1/content", json=movie_body(slug="same-slug"), headers=admin_headers)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "CONFLICT"
    assert client.get("/api/v1/content/99999999999").status_code == 404
    bad = client.post("/api/v1/content", json=movie_body(tmdbId=99999999999, title="x\u0000y"), headers=admin_headers)
    assert bad.status_code == 422 and {"tmdbId", "title"} <= set(bad.get_json()["error"]["details"]["fields"])


def test_seasons_and_episodes_crud(client, admin_headers):
    series = create(client, admin_headers, series_body(seasons=1, episodes=1))
    cid = series["id"]
    season = client.post(f"/api/v1/content/{cid}/seasons", json={"number": 2, "title": "Two"}, headers=admin_headers)
    assert season.status_code == 201
    sid = season.get_json()["data"]["id"]
    dup = client.post(f"/api/v1/content/{cid}/seasons", json={"number": 2}, headers=admin_headers)
    assert dup.status_code == 409
    episode = client.post(f"/api/v1/content/{cid}/seasons/{sid}/episodes", json={"number": 1, "title": "Pilot 2"},
                          headers=admin_headers)
    assert episode.status_code == 201
    eid = episode.get_json()["data"]["id"]
    renamed = client.patch(f"/api/v1/content/{cid}/episodes/{eid}", json={"title": "Return"}, headers=admin_headers)
    assert renamed.status_code == 200 and renamed.get_json()["data"]["title"] == "Return"
    assert client.patch(f"/api/v1/content/{cid}/seasons/{sid}", json={"title": "Deux"},
                        headers=admin_headers).get_json()["data"]["title"] == "Deux"
    detail = client.get(f"/api/v1/content/{cid}").get_json()["data"]
    assert [(s["number"], [e["title"] for e in s["episodes"]]) for s in detail["seasons"]] == \
        [(1, ["Episode 1x1"]), (2, ["Return"])]
    assert client.delete(f"/api/v1/content/{cid}/episodes/{eid}", headers=admin_headers).status_code == 200
    assert client.delete(f"/api/v1/content/{cid}/seasons/{sid}", headers=admin_headers).status_code == 200
    assert len(client.get(f"/api/v1/content/{cid}").get_json()["data"]["seasons"]) == 1
    movie = create(client, admin_headers, movie_body())
    refused = client.post(f"/api/v1/content/{movie['id']}/seasons", json={"number": 1}, headers=admin_headers)
    assert refused.status_code == 422


def test_sources_for_a_movie_and_an_episode(client, admin_headers):
    movie = create(client, admin_headers, movie_body(tmdbId=27205))
    sources = client.get(f"/api/v1/content/{movie['id']}/sources").get_json()["data"]
    assert sources and all(s["mediaId"] == "27205" and s["type"] == "movie" for s in sources)
    series = create(client, admin_headers, series_body(tmdbId=1399))
    missing = client.get(f"/api/v1/content/{series['id']}/sources")
    assert missing.status_code == 422
    episode = client.get(f"/api/v1/content/{series['id']}/sources?season=1&episode=2").get_json()["data"]
    assert episode and all(s["type"] == "tv" and s["season"] == 1 and s["episode"] == 2 for s in episode)
    assert client.get(f"/api/v1/content/{series['id']}/sources?season=9&episode=9").status_code == 404


def test_tier_and_maturity_rules(client, admin_headers, make_user, auth_headers):
    premium = create(client, admin_headers, movie_body(title="Gold", tierRequired="premium"))
    adult = create(client, admin_headers, movie_body(title="Night", maturityRating="R"))
    free_user = make_user(tier="free")
    headers = auth_headers(free_user)
    refused = client.get(f"/api/v1/content/{premium['id']}/sources", headers=headers)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "SUBSCRIPTION_REQUIRED"
    client.patch("/api/v1/users/me", json={"preferences": {"maturityLimit": "PG-13"}}, headers=headers)
    assert titles(client.get("/api/v1/content?sort=title", headers=headers)) == ["Gold"]
    hidden = client.get(f"/api/v1/content/{adult['id']}", headers=headers)
    assert hidden.status_code == 403 and hidden.get_json()["error"]["code"] == "MATURITY_RESTRICTED"
    # an admin upgrade takes effect at once, whatever the token says
    client.patch(f"/api/v1/users/{free_user['id']}", json={"subscriptionTier": "premium"}, headers=admin_headers)
    assert client.get(f"/api/v1/content/{premium['id']}/sources", headers=headers).status_code == 200


def test_episode_air_dates_round_trip(client, admin_headers):
    series = create(client, admin_headers, series_body(seasons=1, episodes=1))
    season_id = client.get(f"/api/v1/content/{series['id']}").get_json()["data"]["seasons"][0]["id"]
    added = client.post(f"/api/v1/content/{series['id']}/seasons/{season_id}/episodes",
                        json={"number": 2, "title": "Dated", "airDate": "2021-03-04"}, headers=admin_headers)
    assert added.status_code == 201 and added.get_json()["data"]["airDate"] == "2021-03-04"
    detail = client.get(f"/api/v1/content/{series['id']}").get_json()["data"]
    assert detail["seasons"][0]["episodes"][1]["airDate"] == "2021-03-04"


def test_one_name_per_concept_with_the_old_filter_names_as_aliases(client, admin_headers):
    """kind and tierRequired in filters, bodies and responses; type and tier still filter."""
    create(client, admin_headers, movie_body(title="Bravo", tierRequired="premium"))
    create(client, admin_headers, series_body(title="Charlie"))
    card = client.get("/api/v1/content?kind=movie").get_json()["data"][0]
    assert card["kind"] == "movie" and card["tierRequired"] == "premium" and "type" not in card
    for query in ("kind=series", "type=series", "kind=series&type=series"):
        assert titles(client.get(f"/api/v1/content?{query}")) == ["Charlie"], query
    for query in ("tierRequired=premium", "tier=premium"):
        assert titles(client.get(f"/api/v1/content?{query}")) == ["Bravo"], query
    assert titles(client.get("/api/v1/content/search?q=charlie&type=series")) == ["Charlie"]
    assert titles(client.get("/api/v1/content/search?q=charlie&kind=movie")) == []
    parameters = {p["name"]: p for p in
                  client.get("/openapi.json").get_json()["paths"]["/api/v1/content"]["get"]["parameters"]}
    assert {"kind", "tierRequired"} <= set(parameters)
    assert parameters["type"]["deprecated"] is True and "kind" in parameters["type"]["description"]
    assert parameters["tier"]["deprecated"] is True and "tierRequired" in parameters["tier"]["description"]
    assert "deprecated" not in parameters["kind"] and "deprecated" not in parameters["tierRequired"]


def _body_schema(spec: dict, path: str, method: str) -> dict:
    ref = spec["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return spec["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def test_nested_collections_are_documented_only_where_the_server_takes_them(client, admin_headers):
    """A title's seasons come with it on creation only, a season's episodes likewise; after that they
    change under their own routes, and the document's PUT/PATCH bodies do not offer them."""
    spec = client.get("/openapi.json").get_json()
    assert "seasons" in _body_schema(spec, "/api/v1/content", "post")["properties"]
    assert "episodes" in _body_schema(spec, "/api/v1/content/{content_id}/seasons", "post")["properties"]
    for method in ("put", "patch"):
        content = _body_schema(spec, "/api/v1/content/{content_id}", method)
        assert "seasons" not in content["properties"] and content["additionalProperties"] is False
        assert "seasons" not in spec["paths"]["/api/v1/content/{content_id}"][method].get("x-crossFieldRules", {})
        season = _body_schema(spec, "/api/v1/content/{content_id}/seasons/{season_id}", method)
        assert "episodes" not in season["properties"] and season["additionalProperties"] is False
    # what the document leaves out is refused, naming the field, and nothing changes
    series = create(client, admin_headers, series_body(seasons=1, episodes=1))
    season_id = client.get(f"/api/v1/content/{series['id']}").get_json()["data"]["seasons"][0]["id"]
    attempts = [("PATCH", f"/api/v1/content/{series['id']}", {"seasons": []}, "seasons"),
                ("PUT", f"/api/v1/content/{series['id']}", {**series_body(seasons=1), "title": "Other"}, "seasons"),
                ("PATCH", f"/api/v1/content/{series['id']}/seasons/{season_id}", {"episodes": []}, "episodes")]
    for method, path, body, field in attempts:
        response = client.open(path, method=method, json=body, headers=admin_headers)
        assert response.status_code == 422 and field in response.get_json()["error"]["details"]["fields"], path
    detail = client.get(f"/api/v1/content/{series['id']}").get_json()["data"]
    assert detail["title"] == series["title"] and len(detail["seasons"][0]["episodes"]) == 1
    # the documented fields are taken
    put = {key: value for key, value in series_body().items() if key != "seasons"}
    assert client.put(f"/api/v1/content/{series['id']}", json={**put, "title": "Renamed"},
                      headers=admin_headers).get_json()["data"]["title"] == "Renamed"
    assert client.put(f"/api/v1/content/{series['id']}/seasons/{season_id}", json={"number": 1, "title": "One"},
                      headers=admin_headers).get_json()["data"]["title"] == "One"


def test_a_series_sources_need_season_and_episode_as_the_document_says(client, admin_headers):
    series = create(client, admin_headers, series_body(seasons=1, episodes=1))
    rules = client.get("/openapi.json").get_json()["paths"]["/api/v1/content/{content_id}/sources"]["get"]
    for query, field in (("", "season"), ("?season=1", "episode"), ("?episode=1", "season")):
        response = client.get(f"/api/v1/content/{series['id']}/sources{query}")
        assert response.status_code == 422 and set(response.get_json()["error"]["details"]["fields"]) == {field}
        assert field in rules["x-crossFieldRules"]
    assert client.get(f"/api/v1/content/{series['id']}/sources?season=1&episode=1").status_code == 200
