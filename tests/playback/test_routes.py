"""Playback over HTTP: sessions, reports, the buffer and its flush, history, continue watching."""
import time

import pytest

from tests.catalog.factories import create, movie_body, series_body


@pytest.fixture
def flush(app):
    def run():
        from app.playback import service

        with app.app_context():
            return service.flush_progress()

    return run


def start(client, headers, content_id, episode_id=None):
    body = {"contentId": content_id, "device": "tv"}
    if episode_id:
        body["episodeId"] = episode_id
    response = client.post("/api/v1/streaming/session", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


def report(client, headers, session_id, position, state="playing", timestamp=None):
    body = {"position": position, "state": state}
    if timestamp is not None:
        body["timestamp"] = timestamp
    return client.put(f"/api/v1/streaming/session/{session_id}", json=body, headers=headers)


def history(client, headers):
    return client.get("/api/v1/users/me/history", headers=headers).get_json()["data"]


def test_session_start_gives_sources_and_resume(client, admin_headers, user_headers, flush):
    movie = create(client, admin_headers, movie_body(title="Resume Me", runtimeMinutes=100, tmdbId=550))
    session = start(client, user_headers, movie["id"])
    assert session["resumePosition"] == 0 and session["duration"] == 6000
    assert session["sources"] and session["sources"][0]["mediaId"] == "550"
    assert report(client, user_headers, session["sessionId"], 1200).get_json()["data"]["applied"] is True
    flush()
    entry = history(client, user_headers)[0]
    assert entry["content"]["title"] == "Resume Me" and entry["position"] == 1200 and entry["percent"] == 20.0
    assert start(client, user_headers, movie["id"])["resumePosition"] == 1200


def test_reports_are_buffered_until_the_flush(client, admin_headers, user_headers, flush):
    movie = create(client, admin_headers, movie_body())
    session = start(client, user_headers, movie["id"])
    for position in (400, 500, 600, 700):
        report(client, user_headers, session["sessionId"], position)
    assert history(client, user_headers) == []
    assert flush() == {"sessions": 1, "written": 1}
    assert history(client, user_headers)[0]["position"] == 700
    assert flush()["written"] == 0  # nothing new: no writes


def test_positions_are_validated_clamped_and_late_reports_ignored(client, admin_headers, user_headers, flush):
    movie = create(client, admin_headers, movie_body(runtimeMinutes=100))
    sid = start(client, user_headers, movie["id"])["sessionId"]
    negative = report(client, user_headers, sid, -5)
    assert negative.status_code == 422 and "position" in negative.get_json()["error"]["details"]["fields"]
    assert report(client, user_headers, sid, 1, state="rewinding").status_code == 422
    clamped = report(client, user_headers, sid, 99999, state="paused", timestamp=2_000).get_json()["data"]
    assert clamped["position"] == 6000 and clamped["completed"] is True
    late = report(client, user_headers, sid, 900, timestamp=1_000).get_json()["data"]
    assert late["applied"] is False and late["position"] == 6000
    newer = report(client, user_headers, sid, 1000, timestamp=3_000).get_json()["data"]
    assert newer["applied"] is True and newer["position"] == 1000


def test_end_stops_the_session_and_later_reports_are_refused(client, admin_headers, user_headers, flush):
    movie = create(client, admin_headers, movie_body(runtimeMinutes=100))
    sid = start(client, user_headers, movie["id"])["sessionId"]
    ended = client.post(f"/api/v1/streaming/session/{sid}/end", json={"position": 3000}, headers=user_headers)
    assert ended.status_code == 200 and ended.get_json()["data"]["ended"] is True
    after = report(client, user_headers, sid, 100)
    assert after.status_code == 409 and after.get_json()["error"]["code"] == "SESSION_ENDED"
    again = client.post(f"/api/v1/streaming/session/{sid}/end", json={"position": 10}, headers=user_headers)
    assert again.status_code == 409
    flush()
    assert history(client, user_headers)[0]["position"] == 3000


def test_sessions_belong_to_their_user(client, admin_headers, user_headers, make_user, auth_headers):
    movie = create(client, admin_headers, movie_body())
    sid = start(client, user_headers, movie["id"])["sessionId"]
    stranger = auth_headers(make_user())
    assert report(client, stranger, sid, 10).status_code == 404
    assert report(client, user_headers, "no-such-session", 10).status_code == 404
    assert client.post("/api/v1/streaming/session", json={"contentId": movie["id"]}).status_code == 401


def test_completion_counts_one_view_per_session_and_feeds_trending(client, admin_headers, user_headers, flush):
    movie = create(client, admin_headers, movie_body(title="Finish Line", runtimeMinutes=100))
    other = create(client, admin_headers, movie_body(title="Other", runtimeMinutes=100))
    sid = start(client, user_headers, movie["id"])["sessionId"]
    report(client, user_headers, sid, 5500)
    flush()
    report(client, user_headers, sid, 5800)
    client.post(f"/api/v1/streaming/session/{sid}/end", json={"position": 6000}, headers=user_headers)
    flush()
    assert client.get(f"/api/v1/content/{movie['id']}").get_json()["data"]["viewCount"] == 1
    entry = history(client, user_headers)[0]
    assert entry["completed"] is True and entry["position"] == 0
    rows = client.get("/api/v1/content/catalog").get_json()["data"]["rows"]
    trending = next(row for row in rows if row["id"] == "trending")
    assert [item["title"] for item in trending["items"]][:2] == ["Finish Line", "Other"]
    assert other["id"] in [item["id"] for item in trending["items"]]


def test_tier_and_maturity_refusals_when_playing(client, admin_headers, make_user, auth_headers):
    premium = create(client, admin_headers, movie_body(tierRequired="premium"))
    adult = create(client, admin_headers, movie_body(maturityRating="NC-17"))
    viewer = make_user(tier="free")
    headers = auth_headers(viewer)
    for path, body in [("/api/v1/streaming/session", {"contentId": premium["id"]}),
                       (f"/api/v1/streaming/play/{premium['id']}", {}),
                       ("/api/v1/streaming/progress", {"contentId": premium["id"], "position": 10})]:
        refused = client.post(path, json=body, headers=headers)
        assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "SUBSCRIPTION_REQUIRED", path
    client.patch("/api/v1/users/me", json={"preferences": {"maturityLimit": "R"}}, headers=headers)
    refused = client.post("/api/v1/streaming/session", json={"contentId": adult["id"]}, headers=headers)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "MATURITY_RESTRICTED"
    client.patch(f"/api/v1/users/{viewer['id']}", json={"subscriptionTier": "premium"}, headers=admin_headers)
    assert client.post("/api/v1/streaming/session", json={"contentId": premium["id"]}, headers=headers).status_code \
        == 201


def test_gateway_names(client, admin_headers, user_headers, flush):
    movie = create(client, admin_headers, movie_body(runtimeMinutes=100))
    played = client.post(f"/api/v1/streaming/play/{movie['id']}", headers=user_headers)
    assert played.status_code == 201 and played.get_json()["data"]["sessionId"]
    progress = client.post("/api/v1/streaming/progress", json={"contentId": movie["id"], "position": 2400},
                           headers=user_headers)
    assert progress.status_code == 200 and progress.get_json()["data"]["sessionId"] == \
        played.get_json()["data"]["sessionId"]
    flush()
    listing = client.get("/api/v1/streaming/history", headers=user_headers).get_json()
    assert listing["meta"]["total"] == 1 and listing["data"][0]["position"] == 2400


def test_series_need_an_episode_and_next_up_follows_a_finished_one(client, admin_headers, user_headers, flush):
    series = create(client, admin_headers, series_body(title="Tideline", seasons=2, episodes=2))
    detail = client.get(f"/api/v1/content/{series['id']}").get_json()["data"]
    episodes = [e for s in detail["seasons"] for e in s["episodes"]]
    missing = client.post("/api/v1/streaming/session", json={"contentId": series["id"]}, headers=user_headers)
    assert missing.status_code == 422
    session = start(client, user_headers, series["id"], episodes[1]["id"])  # 1x2, 45 minutes
    assert session["seasonNumber"] == 1 and session["episodeNumber"] == 2
    assert all(s["type"] == "tv" and s["season"] == 1 and s["episode"] == 2 for s in session["sources"])
    client.post(f"/api/v1/streaming/session/{session['sessionId']}/end", json={"position": 2700},
                headers=user_headers)
    movie = create(client, admin_headers, movie_body(title="Half Way", runtimeMinutes=100))
    sid = start(client, user_headers, movie["id"])["sessionId"]
    report(client, user_headers, sid, 3000)
    flush()
    entries = client.get("/api/v1/users/me/continue-watching", headers=user_headers).get_json()["data"]
    by_title = {e["content"]["title"]: e for e in entries}
    assert by_title["Half Way"]["kind"] == "resume" and by_title["Half Way"]["position"] == 3000
    assert by_title["Tideline"]["kind"] == "next-up"
    assert by_title["Tideline"]["episode"]["seasonNumber"] == 2 and by_title["Tideline"]["episode"]["number"] == 1
    home = client.get("/api/v1/content/catalog", headers=user_headers).get_json()["data"]["rows"]
    assert home[0]["id"] == "continue-watching"
    assert {item["title"] for item in home[0]["items"]} == {"Half Way", "Tideline"}


def test_history_delete_one_and_all(client, admin_headers, user_headers, flush):
    for title in ("One", "Two"):
        movie = create(client, admin_headers, movie_body(title=title, runtimeMinutes=100))
        report(client, user_headers, start(client, user_headers, movie["id"])["sessionId"], 1000)
        time.sleep(0.01)
    flush()
    entries = history(client, user_headers)
    assert [e["content"]["title"] for e in entries] == ["Two", "One"]
    assert client.delete(f"/api/v1/users/me/history/{entries[0]['id']}", headers=user_headers).status_code == 200
    assert client.delete(f"/api/v1/users/me/history/{entries[0]['id']}", headers=user_headers).status_code == 404
    assert [e["content"]["title"] for e in history(client, user_headers)] == ["One"]
    assert client.delete("/api/v1/users/me/history", headers=user_headers).get_json()["data"] == {"deleted": 1}
    assert history(client, user_headers) == []


def test_deleting_content_keeps_history_consistent(client, admin_headers, user_headers, flush):
    movie = create(client, admin_headers, movie_body(runtimeMinutes=100))
    sid = start(client, user_headers, movie["id"])["sessionId"]
    report(client, user_headers, sid, 1000)
    flush()
    report(client, user_headers, sid, 1500)  # buffered, not yet flushed, when the title goes
    assert client.delete(f"/api/v1/content/{movie['id']}", headers=admin_headers).status_code == 200
    assert flush()["written"] == 0
    assert client.get("/api/v1/users/me/history", headers=user_headers).get_json()["meta"]["total"] == 0
    assert client.get("/api/v1/users/me/continue-watching", headers=user_headers).get_json()["data"] == []
    assert client.get("/api/v1/content/catalog", headers=user_headers).status_code == 200


def test_analytics_and_admin_stats(client, admin_headers, user_headers, flush):
    movie = create(client, admin_headers, movie_body(title="Counted", runtimeMinutes=100))
    sid = start(client, user_headers, movie["id"])["sessionId"]
    client.post(f"/api/v1/streaming/session/{sid}/end", json={"position": 5900}, headers=user_headers)
    start(client, user_headers, movie["id"])
    flush()
    data = client.get("/api/v1/streaming/analytics", headers=admin_headers).get_json()["data"]
    assert data["totals"]["views"] == 2 and data["totals"]["uniqueViewers"] == 1
    assert data["totals"]["completionRate"] == 0.5
    assert data["perContent"][0]["title"] == "Counted" and len(data["perDay"]) == 1
    assert client.get("/api/v1/streaming/analytics", headers=user_headers).status_code == 403
    bad = client.get("/api/v1/streaming/analytics?from=2026-02-01&to=2026-01-01", headers=admin_headers)
    assert bad.status_code == 422
    stats = client.get("/api/v1/admin/stats", headers=admin_headers).get_json()["data"]
    assert stats["users"]["total"] == 2 and stats["users"]["active24h"] == 1
    assert stats["content"]["byKind"] == {"movie": 1} and stats["topContent"][0]["title"] == "Counted"
    assert stats["sessionsNow"] == 1
    assert client.get("/api/v1/admin/stats", headers=user_headers).status_code == 403


def test_across_sessions_the_newest_viewing_wins(client, admin_headers, user_headers, flush):
    movie = create(client, admin_headers, movie_body(runtimeMinutes=100))
    phone = start(client, user_headers, movie["id"])["sessionId"]
    tv = start(client, user_headers, movie["id"])["sessionId"]
    # the phone's clock runs far ahead of the TV's; client timestamps cannot order two devices
    report(client, user_headers, phone, 1000, timestamp=9_000_000_000_000)
    time.sleep(0.01)
    report(client, user_headers, tv, 2000, timestamp=1_000)
    flush()
    entries = history(client, user_headers)
    assert len(entries) == 1 and entries[0]["position"] == 2000


def play(client, headers, content_id):
    response = client.post(f"/api/v1/streaming/play/{content_id}", headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


def test_deleting_a_history_entry_forgets_its_resume_point(client, admin_headers, user_headers, flush):
    movie = create(client, admin_headers, movie_body(title="Forget Me", runtimeMinutes=100))
    kept = create(client, admin_headers, movie_body(title="Keep Me", runtimeMinutes=100))
    report(client, user_headers, play(client, user_headers, movie["id"])["sessionId"], 1000)
    report(client, user_headers, play(client, user_headers, kept["id"])["sessionId"], 2000)
    flush()
    assert play(client, user_headers, movie["id"])["resumePosition"] == 1000
    entry = next(e for e in history(client, user_headers) if e["content"]["title"] == "Forget Me")
    assert client.delete(f"/api/v1/users/me/history/{entry['id']}", headers=user_headers).status_code == 200
    assert play(client, user_headers, movie["id"])["resumePosition"] == 0
    flush()  # the buffered state of the forgotten viewing does not bring the entry back
    assert [e["content"]["title"] for e in history(client, user_headers)] == ["Keep Me"]
    assert play(client, user_headers, movie["id"])["resumePosition"] == 0
    assert play(client, user_headers, kept["id"])["resumePosition"] == 2000  # the other entry keeps its point


def test_clearing_the_history_forgets_unflushed_viewings_too(client, admin_headers, user_headers, flush):
    movie = create(client, admin_headers, movie_body(runtimeMinutes=100))
    session_id = play(client, user_headers, movie["id"])["sessionId"]
    report(client, user_headers, session_id, 1000)  # buffered, not yet flushed
    assert client.delete("/api/v1/users/me/history", headers=user_headers).status_code == 200
    flush()
    assert history(client, user_headers) == []
    assert client.get("/api/v1/users/me/continue-watching", headers=user_headers).get_json()["data"] == []
    assert play(client, user_headers, movie["id"])["resumePosition"] == 0
    # watching on after the delete is a new viewing: it is remembered
    time.sleep(0.005)
    report(client, user_headers, session_id, 1500)
    flush()
    assert [e["position"] for e in history(client, user_headers)] == [1500]


def test_refusals_that_depend_on_the_title_are_rules_the_document_lists(client, admin_headers, user_headers):
    """A movie takes no episodeId and a series needs one: JSON Schema cannot say so, the operation's
    x-crossFieldRules does, and the 422 names only that field (so the fuzzer knows it is a promise)."""
    spec = client.get("/openapi.json").get_json()["paths"]
    movie = create(client, admin_headers, movie_body())
    series = create(client, admin_headers, series_body(seasons=1, episodes=1))
    attempts = [
        ("/api/v1/streaming/session", "/api/v1/streaming/session", {"contentId": movie["id"], "episodeId": 1}),
        ("/api/v1/streaming/session", "/api/v1/streaming/session", {"contentId": series["id"]}),
        ("/api/v1/streaming/play/{content_id}", f"/api/v1/streaming/play/{movie['id']}", {"episodeId": 1}),
        ("/api/v1/streaming/play/{content_id}", f"/api/v1/streaming/play/{series['id']}", {}),
        ("/api/v1/streaming/progress", "/api/v1/streaming/progress",
         {"contentId": movie["id"], "episodeId": 1, "position": 10}),
        ("/api/v1/streaming/progress", "/api/v1/streaming/progress", {"contentId": series["id"], "position": 10}),
    ]
    for documented, path, body in attempts:
        response = client.post(path, json=body, headers=user_headers)
        assert response.status_code == 422, (path, body, response.get_json())
        assert set(response.get_json()["error"]["details"]["fields"]) == {"episodeId"}
        assert "episodeId" in spec[documented]["post"]["x-crossFieldRules"], documented
