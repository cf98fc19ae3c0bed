"""Provider embeds of a catalog title follow the catalog's tier and maturity rules (issue 17):
the same refusal as /content/{id}/sources, whichever path names the title."""
from tests.catalog.factories import create, movie_body, series_body


def _code(response) -> str:
    return response.get_json()["error"]["code"]


def test_a_free_user_refused_a_premium_title_gets_no_embed_of_it(client, admin_headers, make_user, auth_headers):
    film = create(client, admin_headers, movie_body(title="Gold", tierRequired="premium", tmdbId=872585,
                                                    imdbId="tt15398776"))
    free = auth_headers(make_user(tier="free"))
    assert _code(client.get(f"/api/v1/content/{film['id']}/sources", headers=free)) == "SUBSCRIPTION_REQUIRED"
    for path in ("/api/v1/providers/vidnest/872585", "/api/v1/providers/vidsrc/tt15398776",
                 "/api/v1/providers/best/872585"):
        refused = client.get(path, headers=free)
        assert refused.status_code == 403, path
        assert refused.get_json()["error"]["details"] == {"tierRequired": "premium", "tier": "free"}
        assert "embedUrl" not in refused.get_data(as_text=True)
    # entitled callers get the embed as before
    premium = auth_headers(make_user(tier="premium"))
    assert client.get("/api/v1/providers/vidnest/872585", headers=premium).get_json()["data"]["embedUrl"] \
        == "https://vidnest.fun/movie/872585"
    assert client.get("/api/v1/providers/vidnest/872585", headers=admin_headers).status_code == 200


def test_a_maturity_limit_holds_on_embeds_and_an_upgrade_takes_effect_at_once(client, admin_headers, make_user,
                                                                             auth_headers):
    create(client, admin_headers, movie_body(title="Night", maturityRating="R", tmdbId=990001))
    user = make_user(tier="family")
    headers = auth_headers(user)
    assert client.get("/api/v1/providers/vidnest/990001", headers=headers).status_code == 200
    client.patch("/api/v1/users/me", json={"preferences": {"maturityLimit": "PG"}}, headers=headers)
    refused = client.get("/api/v1/providers/vidnest/990001", headers=headers)
    assert refused.status_code == 403 and _code(refused) == "MATURITY_RESTRICTED"
    client.patch("/api/v1/users/me", json={"preferences": {"maturityLimit": "NC-17"}}, headers=headers)
    assert client.get("/api/v1/providers/vidnest/990001", headers=headers).status_code == 200


def test_series_rules_hold_on_tv_embeds_and_only_the_matching_kind_counts(client, admin_headers, make_user,
                                                                         auth_headers):
    create(client, admin_headers, series_body(title="Crown", tierRequired="family", tmdbId=990002))
    free = auth_headers(make_user(tier="free"))
    tv = client.get("/api/v1/providers/vidsrc/990002?type=tv&season=1&episode=1", headers=free)
    assert tv.status_code == 403 and _code(tv) == "SUBSCRIPTION_REQUIRED"
    # a movie with the same TMDB id is another title (TMDB numbers movies and shows apart)
    assert client.get("/api/v1/providers/vidsrc/990002", headers=free).status_code == 200


def test_media_ids_outside_the_catalog_and_drafts_of_free_titles_keep_todays_behaviour(client, admin_headers,
                                                                                   make_user, auth_headers):
    free = auth_headers(make_user(tier="free"))
    assert client.get("/api/v1/providers/vidnest/424242", headers=free).status_code == 200
    create(client, admin_headers, movie_body(title="Soon", status="draft", tmdbId=990003))
    assert client.get("/api/v1/providers/vidnest/990003", headers=free).status_code == 200
    # a draft's own rules still apply: it cannot be watched by a media id before it is published
    create(client, admin_headers, movie_body(title="Later", status="draft", tierRequired="premium", tmdbId=990004))
    assert _code(client.get("/api/v1/providers/vidnest/990004", headers=free)) == "SUBSCRIPTION_REQUIRED"


def test_service_callers_on_the_original_paths_are_not_refused(client, admin_headers, service_headers):
    create(client, admin_headers, movie_body(title="Vault", tierRequired="family", tmdbId=990005))
    assert client.get("/providers/vidnest/990005", headers=service_headers).status_code == 200
    assert client.get("/api/v1/providers/vidnest/990005", headers=service_headers).status_code == 200
