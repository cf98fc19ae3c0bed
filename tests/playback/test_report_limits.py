"""Progress reports have a per-user limit on top of the client budget: a household behind one
address shares the budget, but one viewer's reports never use up another's report limit."""
from tests.catalog.factories import create, movie_body
from tests.playback.test_routes import report, start


def test_reports_are_limited_per_user_not_per_ip(app, monkeypatch, admin_headers, make_user, auth_headers):
    from tests.core.test_rate_limits import app_with_budget

    # a client budget roomy enough that the per-user report limit is the one that binds
    client = app_with_budget(monkeypatch, "1000 per minute").test_client()
    movie = create(client, admin_headers, movie_body())
    viewers = [auth_headers(make_user()) for _ in range(2)]
    sessions = [start(client, headers, movie["id"])["sessionId"] for headers in viewers]
    # together they send more than one viewer's limit (120/min) from the same address
    for position in range(70):
        for headers, session_id in zip(viewers, sessions):
            response = report(client, headers, session_id, 60 + position)
            assert response.status_code == 200, response.get_json()
    assert response.headers["X-RateLimit-Limit"] == "120" and response.headers["X-RateLimit-Remaining"] == "50"
    # each viewer has their own budget of 120 per minute
    first_headers, first_session = viewers[0], sessions[0]
    statuses = [report(client, first_headers, first_session, 200 + i).status_code for i in range(51)]
    assert statuses[:50] == [200] * 50 and statuses[50] == 429
    assert report(client, viewers[1], sessions[1], 300).status_code == 200


def test_reports_also_spend_the_client_budget(app, monkeypatch, admin_headers, user_headers):
    from tests.core.test_rate_limits import app_with_budget

    client = app_with_budget(monkeypatch, "6 per minute").test_client()
    movie = create(client, admin_headers, movie_body())  # 1
    session_id = start(client, user_headers, movie["id"])["sessionId"]  # 2
    answers = [report(client, user_headers, session_id, 10 + i) for i in range(5)]  # 3..7
    assert [r.status_code for r in answers] == [200, 200, 200, 200, 429]
    assert answers[-2].headers["X-RateLimit-Limit"] == "6"  # the budget binds, not the 120 per user
    assert answers[-1].get_json()["error"]["code"] == "RATE_LIMIT_ERROR"


def test_a_bad_token_on_a_limited_route_keeps_its_message(client):
    response = client.put("/api/v1/streaming/session/abc", json={"position": 1, "state": "playing"},
                          headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401
    assert response.get_json()["error"]["message"] == "The access token is not valid"
