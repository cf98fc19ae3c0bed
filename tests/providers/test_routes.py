"""/api/v1/providers and the original /providers paths."""
import time

import pytest


CUSTOM = {"id": "nova", "name": "Nova", "baseUrl": "https://nova.example",
          "movieTemplate": "https://nova.example/e/movie/{id}", "tvTemplate": "https://nova.example/e/tv/{id}/{season}/{episode}",
          "priority": 5}


def create(client, headers, **changes):
    return client.post("/api/v1/providers", json={**CUSTOM, **changes}, headers=headers)


def test_signed_in_users_see_providers_in_priority_order_with_status(client, user_headers):
    response = client.get("/api/v1/providers", headers=user_headers)
    assert response.status_code == 200
    providers = response.get_json()["data"]
    assert [p["id"] for p in providers] == ["vidnest", "vidsrc", "embed"]
    assert providers[0]["movieTemplate"] == "https://vidnest.fun/movie/{id}"
    assert all(p["status"]["status"] == "unknown" for p in providers)


def test_every_provider_route_refuses_missing_or_wrong_identity(client):
    for path in ("/api/v1/providers", "/api/v1/providers/vidsrc/550", "/api/v1/providers/status/vidsrc",
                 "/api/v1/providers/best/550"):
        assert client.get(path).status_code == 401
        assert client.get(path, headers={"Authorization": "Bearer nope"}).status_code == 401


def test_movie_embed_with_a_built_iframe(client, user_headers):
    response = client.get("/api/v1/providers/vidsrc/tt0137523", headers=user_headers)
    assert response.status_code == 200
    data = response.get_json()["data"]
    assert data["providerId"] == "vidsrc" and data["name"] == "VidSrc" and data["type"] == "movie"
    assert data["embedUrl"] == "https://vidsrc.to/embed/tt0137523" and data["mediaId"] == "tt0137523"
    iframe = data["iframe"]
    assert 'src="https://vidsrc.to/embed/tt0137523"' in iframe and 'frameborder="0"' in iframe
    assert 'scrolling="no"' in iframe and "allowfullscreen" in iframe and 'sandbox="allow-scripts' in iframe


def test_tv_embed_needs_season_and_episode(client, service_headers):
    ok = client.get("/api/v1/providers/embed/1399?type=tv&season=1&episode=3", headers=service_headers)
    assert ok.get_json()["data"]["embedUrl"] == "https://embed.stream/embed/tv/1399/1/3"
    missing = client.get("/api/v1/providers/embed/1399?type=tv&season=1", headers=service_headers)
    assert missing.status_code == 422 and "episode" in missing.get_json()["error"]["details"]["fields"]


@pytest.mark.parametrize("path, field", [
    ("/api/v1/providers/vidsrc/not-an-id", "mediaId"),
    ("/api/v1/providers/vidsrc/550%3Fx%3D1", "mediaId"),
    ("/api/v1/providers/vidsrc/550?type=anime", "type"),
    ("/api/v1/providers/vidsrc/550?season=-1&type=tv", "season"),
    ("/api/v1/providers/vidsrc/550?season=abc", "season"),
])
def test_bad_media_requests_name_the_field(client, user_headers, path, field):
    response = client.get(path, headers=user_headers)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["details"]["fields"]


def test_unknown_provider_is_not_found(client, user_headers):
    response = client.get("/api/v1/providers/nobody/550", headers=user_headers)
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "PROVIDER_NOT_FOUND"


def test_admin_manages_custom_providers_and_embeds_follow_edits(client, admin_headers, user_headers):
    created = create(client, admin_headers)
    assert created.status_code == 201 and created.get_json()["data"]["builtin"] is False
    ids = [p["id"] for p in client.get("/api/v1/providers", headers=user_headers).get_json()["data"]]
    assert ids[0] == "nova"  # priority 5 beats the built-ins
    first = client.get("/api/v1/providers/nova/550", headers=user_headers).get_json()["data"]
    assert first["embedUrl"] == "https://nova.example/e/movie/550"
    edited = client.patch("/api/v1/providers/nova", json={"movieTemplate": "https://nova.example/v2/{id}"},
                          headers=admin_headers)
    assert edited.status_code == 200
    again = client.get("/api/v1/providers/nova/550", headers=user_headers).get_json()["data"]
    assert again["embedUrl"] == "https://nova.example/v2/550"  # the cached embed was not served
    assert client.patch("/api/v1/providers/nova", json={"enabled": False}, headers=admin_headers).status_code == 200
    assert client.get("/api/v1/providers/nova/550", headers=user_headers).status_code == 404
    assert "nova" not in [p["id"] for p in client.get("/api/v1/providers", headers=user_headers).get_json()["data"]]
    listed = client.get("/api/v1/providers?includeDisabled=true", headers=admin_headers).get_json()["data"]
    assert "nova" in [p["id"] for p in listed]
    assert client.delete("/api/v1/providers/nova", headers=admin_headers).status_code == 200
    assert client.get("/api/v1/providers/nova", headers=admin_headers).status_code == 404


def test_custom_provider_validation(client, admin_headers):
    bad = create(client, admin_headers, baseUrl="http://nova.example")
    assert bad.status_code == 422 and "baseUrl" in bad.get_json()["error"]["details"]["fields"]
    off_host = create(client, admin_headers, movieTemplate="https://evil.example/{id}", tvTemplate="https://nova.example/x")
    fields = off_host.get_json()["error"]["details"]["fields"]
    assert off_host.status_code == 422 and {"movieTemplate", "tvTemplate"} <= set(fields)  # every problem at once
    assert create(client, admin_headers, id="status").status_code == 422
    assert create(client, admin_headers, id="Bad Id!").status_code == 422
    taken = create(client, admin_headers, id="vidsrc")
    assert taken.status_code == 409 and taken.get_json()["error"]["code"] == "CONFLICT"
    assert create(client, admin_headers).status_code == 201
    assert create(client, admin_headers).status_code == 409
    patch_bad = client.patch("/api/v1/providers/nova", json={"tvTemplate": "https://nova.example/tv"},
                             headers=admin_headers)
    assert patch_bad.status_code == 422 and "tvTemplate" in patch_bad.get_json()["error"]["details"]["fields"]


def test_built_ins_are_changed_from_the_environment_not_the_api(app, client, admin_headers, user_headers, monkeypatch):
    refused = client.patch("/api/v1/providers/vidsrc", json={"enabled": False}, headers=admin_headers)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "BUILTIN_PROVIDER"
    monkeypatch.setitem(app.config, "PROVIDER_OVERRIDES", {"vidsrc": {"enabled": False},
                                                          "embed": {"priority": 1, "name": "Embed Prime"}})
    providers = client.get("/api/v1/providers", headers=user_headers).get_json()["data"]
    assert [(p["id"], p["name"]) for p in providers] == [("embed", "Embed Prime"), ("vidnest", "VidNest")]


def test_only_admins_and_services_manage_providers(client, user_headers, service_headers):
    assert create(client, user_headers).status_code == 403
    assert client.delete("/api/v1/providers/vidsrc", headers=user_headers).status_code == 403
    assert create(client, service_headers).status_code == 201
    assert client.post("/api/v1/providers/check", headers=user_headers).status_code == 403


def test_original_paths_answer_internal_key_callers_only(client, service_headers, user_headers):
    listed = client.get("/providers/list", headers=service_headers)
    assert listed.status_code == 200 and len(listed.get_json()["data"]) == 3
    embed = client.get("/providers/vidnest/550", headers=service_headers).get_json()["data"]
    assert embed["embedUrl"] == "https://vidnest.fun/movie/550"
    assert client.get("/providers/status/vidnest", headers=service_headers).get_json()["data"]["status"] in (
        "unknown", "down")
    for path in ("/providers/list", "/providers/vidnest/550", "/providers/status/vidnest"):
        # a user's token is not a credential these paths take: 401, as with none
        as_user = client.get(path, headers=user_headers)
        assert as_user.status_code == 401 and "x-internal-key" in as_user.get_json()["error"]["message"]
        assert client.get(path).status_code == 401


def test_best_provider_is_the_highest_priority_one_that_is_up(app, client, user_headers):
    from app.providers import service

    with app.app_context():
        service.record_results([
            {"providerId": "vidnest", "status": "down", "latencyMs": 5000, "httpStatus": None, "error": "timeout"},
            {"providerId": "vidsrc", "status": "degraded", "latencyMs": 2500, "httpStatus": 200, "error": None},
            {"providerId": "embed", "status": "up", "latencyMs": 80, "httpStatus": 200, "error": None},
        ])
    data = client.get("/api/v1/providers/best/550", headers=user_headers).get_json()["data"]
    assert data["best"]["providerId"] == "embed" and data["best"]["embedUrl"] == "https://embed.stream/embed/550"
    assert [(a["providerId"], a["status"]) for a in data["alternates"]] == [("vidsrc", "degraded"), ("vidnest", "down")]
    tv = client.get("/api/v1/providers/best/1399?type=tv", headers=user_headers)
    assert tv.status_code == 422 and "season" in tv.get_json()["error"]["details"]["fields"]


def test_unknown_status_triggers_a_check_in_the_probes_queue(client, admin_headers, user_headers, upstream,
                                                             celery_worker):
    create(client, admin_headers, healthUrl=upstream.url("/ok"))
    first = client.get("/api/v1/providers/status/nova", headers=user_headers).get_json()["data"]
    assert first["status"] == "unknown" and first["history"] == []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        status = client.get("/api/v1/providers/status/nova", headers=user_headers).get_json()["data"]
        if status["status"] != "unknown":
            break
        time.sleep(0.2)
    assert status["status"] == "up" and status["latencyMs"] > 0 and status["checkedAt"]
    assert [h["status"] for h in status["history"]] == ["up"]
    vidnest = client.get("/api/v1/providers/status/vidnest", headers=user_headers).get_json()["data"]
    assert vidnest["status"] == "down"  # the test settings point built-in checks at a closed local port


def test_admin_check_now_returns_a_task_id(client, admin_headers, upstream, celery_worker):
    create(client, admin_headers, healthUrl=upstream.url("/fail"))
    queued = client.post("/api/v1/providers/check", headers=admin_headers)
    assert queued.status_code == 202 and queued.get_json()["data"]["queue"] == "probes"
    assert queued.get_json()["data"]["taskId"]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        status = client.get("/api/v1/providers/status/nova", headers=admin_headers).get_json()["data"]
        if status["status"] != "unknown":
            break
        time.sleep(0.2)
    assert status["status"] == "down" and status["httpStatus"] == 500


# ---- the address policy: an admin API refuses what the server will never call --------------

def _on(host: str) -> dict:
    return {"baseUrl": f"https://{host}", "movieTemplate": f"https://{host}/e/movie/{{id}}",
            "tvTemplate": f"https://{host}/e/tv/{{id}}/{{season}}/{{episode}}"}


@pytest.mark.parametrize("host, kind", [
    ("169.254.169.254", "metadata"), ("169.254.169.254.", "metadata"), ("metadata.google.internal", "metadata"),
    ("0.0.0.0", "unspecified"), ("0", "unspecified"), ("[fe80::1]", "link-local"),
    ("[::ffff:169.254.169.254]", "metadata"), ("[64:ff9b::a9fe:a9fe]", "metadata"),
])
def test_metadata_link_local_and_unspecified_base_urls_are_refused_whatever_the_settings(client, admin_headers,
                                                                                       host, kind):
    response = create(client, admin_headers, **_on(host))
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert "baseUrl" in error["details"]["fields"] and kind in error["details"]["fields"]["baseUrl"][0], error


@pytest.mark.parametrize("host, kind", [
    ("127.0.0.1", "private"), ("localhost", "private"), ("[::1]", "private"), ("127.1", "private"),
    ("10.0.0.5", "private"), ("nova.marquee.invalid", "does not resolve"),
])
def test_private_and_unresolvable_base_urls_are_refused_where_private_targets_are_not_allowed(
        app, client, admin_headers, monkeypatch, host, kind):
    monkeypatch.setitem(app.config, "ALLOW_PRIVATE_TARGETS", False)
    response = create(client, admin_headers, **_on(host))
    assert response.status_code == 422, response.get_json()
    assert kind in response.get_json()["error"]["details"]["fields"]["baseUrl"][0]
    monkeypatch.setitem(app.config, "ALLOW_PRIVATE_TARGETS", True)  # development and tests: local providers
    assert create(client, admin_headers, **_on(host)).status_code == 201


def test_a_private_health_url_is_refused_on_patch_too(app, client, admin_headers, monkeypatch):
    assert create(client, admin_headers).status_code == 201
    monkeypatch.setitem(app.config, "ALLOW_PRIVATE_TARGETS", False)
    response = client.patch("/api/v1/providers/nova", json={"healthUrl": "http://127.0.0.1:9/health"},
                            headers=admin_headers)
    assert response.status_code == 422 and "healthUrl" in response.get_json()["error"]["details"]["fields"]


def test_the_documented_provider_id_never_names_a_sibling_route(client):
    """A client generating ids from /openapi.json must not land on /providers/best/... instead."""
    import re

    spec = client.get("/openapi.json").get_json()
    params = spec["paths"]["/api/v1/providers/{providerId}/{mediaId}"]["get"]["parameters"]
    params += spec["paths"]["/api/v1/providers/{providerId}/{mediaId}"].get("parameters", [])
    pattern = next(p["schema"]["pattern"] for p in params if p["name"] == "providerId")
    assert [w for w in ("best", "check", "status", "list") if re.match(pattern, w)] == []
    assert all(re.match(pattern, w) for w in ("vidnest", "best2", "list-a", "embed"))
