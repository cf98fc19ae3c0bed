"""REST twins under /api/v1/watch-together and the legacy /auth/watch-together paths."""
from __future__ import annotations

import time

import pytest

from tests.rooms.conftest import room_body

API = "/api/v1/watch-together"
LEGACY = "/auth/watch-together"


def create(client, headers, prefix=API, **overrides):
    response = client.post(f"{prefix}/rooms", json=room_body(**overrides), headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


@pytest.mark.parametrize("method,path", [
    ("get", "/rooms"), ("post", "/rooms"), ("get", "/rooms/abc"), ("post", "/rooms/abc/join"),
    ("post", "/rooms/abc/leave"), ("post", "/rooms/abc/playback"), ("post", "/rooms/abc/sync"),
    ("post", "/rooms/abc/transfer-admin"), ("post", "/rooms/abc/kick-user"), ("get", "/stats"), ("get", "/providers"),
])
def test_every_route_needs_a_user(client, service_headers, method, path):
    for prefix in (API, LEGACY):
        anonymous = getattr(client, method)(prefix + path, json={})
        assert anonymous.status_code == 401 and anonymous.get_json()["error"]["code"] == "AUTHENTICATION_ERROR"
        # a service key is not a credential these routes take: 401, as with none
        as_service = getattr(client, method)(prefix + path, json={}, headers=service_headers)
        assert as_service.status_code == 401 and "service key is not accepted" in as_service.get_json()["error"]["message"]


def test_rest_lifecycle_emits_the_socket_events(client, make_user, auth_headers, connect, server):
    admin, guest = make_user(), make_user()
    room = create(client, auth_headers(admin))
    listener = connect(server, admin)  # the admin's socket rejoins the room on connect
    listener.wait("initial_state")
    joined = client.post(f"{API}/rooms/{room['id']}/join", json={}, headers=auth_headers(guest))
    assert joined.status_code == 200 and joined.get_json()["data"]["room"]["participantCount"] == 2
    assert listener.wait("user_joined")["userId"] == str(guest["id"])
    play = client.post(f"{API}/rooms/{room['id']}/playback", json={"action": {"type": "play"}},
                       headers=auth_headers(admin))
    assert play.status_code == 200 and play.get_json()["data"]["effectiveAt"]
    assert listener.wait("playback_updated")["state"]["isPlaying"] is True
    refused = client.post(f"{API}/rooms/{room['id']}/playback", json={"action": {"type": "pause"}},
                          headers=auth_headers(guest))
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "NOT_ROOM_ADMIN"
    sync = client.post(f"{API}/rooms/{room['id']}/sync", json={}, headers=auth_headers(guest)).get_json()["data"]
    assert sync["adminId"] == str(admin["id"]) and sync["currentState"]["isPlaying"] is True
    moved = client.post(f"{API}/rooms/{room['id']}/transfer-admin", json={"newAdminId": guest["id"]},
                        headers=auth_headers(admin))
    assert moved.status_code == 200 and listener.wait("admin_changed")["newAdmin"] == str(guest["id"])
    kicked = client.post(f"{API}/rooms/{room['id']}/kick-user", json={"userIdToKick": str(admin["id"])},
                         headers=auth_headers(guest))
    assert kicked.status_code == 200 and listener.wait("user_kicked")["kickedUserId"] == str(admin["id"])
    again = client.post(f"{API}/rooms/{room['id']}/join", json={}, headers=auth_headers(admin))
    assert again.status_code == 403 and again.get_json()["error"]["code"] == "AUTHORIZATION_ERROR"
    left = client.post(f"{API}/rooms/{room['id']}/leave", json={}, headers=auth_headers(guest))
    assert left.status_code == 200 and left.get_json()["data"]["closing"] is True


def test_a_rest_join_brings_the_users_open_sockets_into_the_room(client, make_user, auth_headers, connect, server):
    admin, guest = make_user(), make_user()
    room = create(client, auth_headers(admin))
    guest_socket = connect(server, guest)  # connected, but in no room yet
    assert client.post(f"{API}/rooms/{room['id']}/join", json={}, headers=auth_headers(guest)).status_code == 200
    assert guest_socket.wait("initial_state")["room"]["id"] == room["id"]
    client.post(f"{API}/rooms/{room['id']}/playback", json={"action": {"type": "play"}}, headers=auth_headers(admin))
    assert guest_socket.wait("playback_updated")["state"]["isPlaying"] is True
    client.post(f"{API}/rooms/{room['id']}/leave", json={}, headers=auth_headers(guest))
    guest_socket.clear()
    client.post(f"{API}/rooms/{room['id']}/playback", json={"action": {"type": "pause"}}, headers=auth_headers(admin))
    time.sleep(0.5)
    assert guest_socket.named("playback_updated") == []


def test_legacy_paths_share_the_handlers_and_check_claimed_ids(client, make_user, auth_headers):
    admin, guest = make_user(), make_user()
    room = create(client, auth_headers(admin), prefix=LEGACY, adminId=str(admin["id"]))
    assert client.get(f"{LEGACY}/rooms/{room['id']}", headers=auth_headers(guest)).get_json()["data"]["name"] == "Movie night"
    spoof = client.post(f"{LEGACY}/rooms/{room['id']}/join", json={"userId": str(admin["id"])},
                        headers=auth_headers(guest))
    assert spoof.status_code == 403
    own = client.post(f"{LEGACY}/rooms/{room['id']}/join", json={"userId": str(guest["id"]), "roomId": room["id"]},
                      headers=auth_headers(guest))
    assert own.status_code == 200
    other_room = client.post(f"{LEGACY}/rooms/{room['id']}/leave", json={"roomId": "other"}, headers=auth_headers(guest))
    assert other_room.status_code == 409 and other_room.get_json()["error"]["code"] == "ROOM_MISMATCH"
    assert "roomId" in other_room.get_json()["error"]["details"]["fields"]
    not_admin = client.post(f"{LEGACY}/rooms/{room['id']}/kick-user",
                            json={"userIdToKick": str(admin["id"]), "adminId": str(admin["id"])},
                            headers=auth_headers(guest))
    assert not_admin.status_code == 403
    lst = client.get(f"{LEGACY}/rooms?page=1&perPage=5", headers=auth_headers(guest)).get_json()
    assert lst["meta"]["total"] == 1 and lst["data"][0]["id"] == room["id"]


def test_errors_name_their_codes(client, user_headers):
    assert client.get(f"{API}/rooms/nope", headers=user_headers).get_json()["error"]["code"] == "ROOM_NOT_FOUND"
    bad = client.post(f"{API}/rooms", json={"name": "", "mediaType": "book", "colour": 1}, headers=user_headers)
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["details"]["fields"]) == {"name", "mediaId", "mediaType", "colour"}
    rate = client.post(f"{API}/rooms/x/playback", json={"action": {"type": "setPlaybackRate", "data": {"rate": 0}}},
                       headers=user_headers)
    assert rate.status_code == 422
    provider = client.post(f"{API}/rooms", json=room_body(providerId="nope"), headers=user_headers)
    assert provider.status_code == 422 and "providerId" in provider.get_json()["error"]["details"]["fields"]


def test_stats_and_providers(client, user_headers, make_user, auth_headers):
    room = create(client, user_headers)
    for _ in range(2):
        guest = auth_headers(make_user())
        assert client.post(f"{API}/rooms/{room['id']}/join", json={}, headers=guest).status_code == 200
    stats = client.get(f"{API}/stats", headers=user_headers).get_json()["data"]
    assert stats["rooms"] == 1 and stats["participants"] == 3 and stats["eventsPerMinute"] >= 2
    providers = client.get(f"{API}/providers", headers=user_headers).get_json()["data"]
    assert {"vidnest", "vidsrc"} <= {p["id"] for p in providers}


def test_demo_page_and_its_local_client_library(client):
    page = client.get("/watch-together/demo")
    assert page.status_code == 200 and b"/watch-together/static/socket.io.min.js" in page.data
    assert b"cdn" not in page.data.lower()
    library = client.get("/watch-together/static/socket.io.min.js")
    assert library.status_code == 200 and b"io" in library.data


@pytest.mark.parametrize("action", ["join", "leave", "sync"])
def test_the_optional_room_bodies_are_documented_as_optional(client, action):
    """join, leave and sync take the room from the path: the document and the server agree
    that their body may be left out."""
    spec = client.get("/openapi.json").get_json()
    for prefix in (API, LEGACY):
        operation = spec["paths"][f"{prefix}/rooms/{{room_id}}/{action}"]["post"]
        assert operation["requestBody"].get("required", False) is False, prefix


def test_join_sync_and_leave_without_a_body(client, make_user, auth_headers):
    admin, guest = make_user(), make_user()
    room = create(client, auth_headers(admin))
    for action in ("join", "sync", "leave"):
        answer = client.post(f"{API}/rooms/{room['id']}/{action}", headers=auth_headers(guest))
        assert answer.status_code == 200, (action, answer.get_json())
    assert answer.get_json()["data"]["participants"][0]["userId"] == str(admin["id"])
