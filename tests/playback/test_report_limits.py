"""Progress reports are limited per user, not per IP: a household behind one address still works."""
from tests.catalog.factories import create, movie_body
from tests.playback.test_routes import report, start


def test_reports_are_limited_per_user_not_per_ip(client, admin_headers, make_user, auth_headers):
    movie = create(client, admin_headers, movie_body())
    viewers = [auth_headers(make_user()) for _ in range(2)]
    sessions = [start(client, headers, movie["id"])["sessionId"] for headers in viewers]
    # together they send more than the per-IP default (100/min) from the same address
    for position in range(70):
        for headers, session_id in zip(viewers, sessions):
            response = report(client, headers, session_id, 60 + position)
            assert response.status_code == 200, response.get_json()
    assert response.headers["X-RateLimit-Limit"] == "120"
    # each viewer has their own budget of 120 per minute
    first_headers, first_session = viewers[0], sessions[0]
    statuses = [report(client, first_headers, first_session, 200 + i).status_code for i in range(51)]
    assert statuses[:50] == [200] * 50 and statuses[50] == 429


def test_a_bad_token_on_a_limited_route_keeps_its_message(client):
    response = client.put("/api/v1/streaming/session/abc", json={"position": 1, "state": "playing"},
                          headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401
    assert response.get_json()["error"]["message"] == "The access token is not valid"
