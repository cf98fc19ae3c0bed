"""Private rooms: their ids reach only members and platform admins; others enter by invite."""
from __future__ import annotations

from tests.rooms.conftest import room_body
from tests.rooms.test_routes import API, LEGACY, create


def _error(response) -> tuple[int, str, str]:
    body = response.get_json()
    return response.status_code, body["error"]["code"], body["error"]["message"]


def test_stats_and_listings_show_a_private_room_to_members_and_admins_only(client, make_user, auth_headers):
    owner, outsider, admin = make_user(), make_user(), make_user(role="admin")
    private = create(client, auth_headers(owner), name="Just us", isPublic=False)
    public = create(client, auth_headers(make_user()))
    for prefix in (API, LEGACY):
        stats = client.get(f"{prefix}/stats", headers=auth_headers(outsider)).get_json()["data"]
        assert stats["rooms"] == 2 and stats["participants"] == 2  # the counts cover every room
        assert [s["roomId"] for s in stats["roomSpreads"]] == [public["id"]]
        listed = client.get(f"{prefix}/rooms", headers=auth_headers(outsider)).get_json()
        assert [r["id"] for r in listed["data"]] == [public["id"]] and listed["meta"]["total"] == 1
        assert private["id"] not in str(listed) and "Just us" not in str(stats)
        for viewer in (owner, admin):
            seen = client.get(f"{prefix}/stats", headers=auth_headers(viewer)).get_json()["data"]
            assert {s["roomId"] for s in seen["roomSpreads"]} == {public["id"], private["id"]}
    hidden = client.get(f"{API}/rooms/{private['id']}", headers=auth_headers(outsider))
    missing = client.get(f"{API}/rooms/nosuchroom", headers=auth_headers(outsider))
    assert _error(hidden) == _error(missing) == (404, "ROOM_NOT_FOUND", "The room does not exist")
    for viewer in (owner, admin):
        seen = client.get(f"{API}/rooms/{private['id']}", headers=auth_headers(viewer)).get_json()["data"]
        assert seen["name"] == "Just us"


def test_the_creator_gets_the_invite_and_joining_needs_it(client, make_user, auth_headers):
    owner, guest, admin = make_user(), make_user(), make_user(role="admin")
    room = create(client, auth_headers(owner), isPublic=False)
    invite = room["invite"]
    assert invite["isPublic"] is False and len(invite["inviteCode"]) >= 22
    assert invite["inviteLink"] == f"/watch-together/demo?room={room['id']}&invite={invite['inviteCode']}"
    client.post(f"{API}/rooms/{room['id']}/playback", json={"action": {"type": "play"}}, headers=auth_headers(owner))
    join = f"{API}/rooms/{room['id']}/join"
    # without a code, and with a wrong one, a private room answers exactly as a missing room does
    no_code = client.post(join, headers=auth_headers(guest))
    no_room = client.post(f"{API}/rooms/nosuchroom/join", headers=auth_headers(guest))
    assert _error(no_code) == _error(no_room)
    assert _error(no_code)[:2] == (404, "ROOM_NOT_FOUND")
    wrong = client.post(join, json={"inviteCode": "x" * 22}, headers=auth_headers(guest))
    wrong_no_room = client.post(f"{API}/rooms/nosuchroom/join", json={"inviteCode": "x" * 22},
                                headers=auth_headers(guest))
    assert _error(wrong) == _error(wrong_no_room)
    assert _error(wrong)[:2] == (403, "INVITE_INVALID")
    assert client.post(f"{API}/rooms/{room['id']}/sync", headers=auth_headers(guest)).get_json()["error"]["code"] \
        == "ROOM_NOT_FOUND"  # nor does any other operation confirm the room to a non-member
    joined = client.post(join, json={"inviteCode": invite["inviteCode"]}, headers=auth_headers(guest))
    assert joined.status_code == 200 and joined.get_json()["data"]["room"]["participantCount"] == 2
    assert "invite" not in joined.get_json()["data"]["room"]
    assert client.post(join, headers=auth_headers(guest)).status_code == 200  # a member needs no code
    as_admin = client.post(f"{LEGACY}/rooms/{room['id']}/join", json={}, headers=auth_headers(admin))
    assert as_admin.status_code == 200  # nor does a platform admin


def test_members_read_the_invite_and_the_room_admin_rotates_it(client, make_user, auth_headers):
    owner, member, late, outsider = make_user(), make_user(), make_user(), make_user()
    room = create(client, auth_headers(owner), isPublic=False)
    old = room["invite"]["inviteCode"]
    invite_url = f"{API}/rooms/{room['id']}/invite"
    client.post(f"{API}/rooms/{room['id']}/join", json={"inviteCode": old}, headers=auth_headers(member))
    assert client.get(invite_url, headers=auth_headers(member)).get_json()["data"]["inviteCode"] == old
    assert _error(client.get(invite_url, headers=auth_headers(outsider)))[:2] == (404, "ROOM_NOT_FOUND")
    refused = client.post(invite_url, headers=auth_headers(member))
    assert _error(refused)[:2] == (403, "NOT_ROOM_ADMIN")
    rotated = client.post(invite_url, headers=auth_headers(owner))
    assert rotated.status_code == 200
    new = rotated.get_json()["data"]["inviteCode"]
    assert new != old and client.get(invite_url, headers=auth_headers(member)).get_json()["data"]["inviteCode"] == new
    join = f"{API}/rooms/{room['id']}/join"
    stale = client.post(join, json={"inviteCode": old}, headers=auth_headers(late))
    assert _error(stale)[:2] == (403, "INVITE_INVALID")
    assert client.post(join, json={"inviteCode": new}, headers=auth_headers(late)).status_code == 200


def test_a_public_room_needs_no_invite(client, make_user, auth_headers):
    room = create(client, auth_headers(make_user()))
    assert room["invite"]["isPublic"] is True
    joined = client.post(f"{API}/rooms/{room['id']}/join", json={"inviteCode": "stale"},
                         headers=auth_headers(make_user()))
    assert joined.status_code == 200


def test_private_rooms_over_sockets(server, connect, make_user):
    owner, guest, outsider = make_user(), make_user(), make_user()
    o, g, x = connect(server, owner), connect(server, guest), connect(server, outsider)
    room = o.ok("create_room", room_body(isPublic=False))
    created = o.wait("room_created")
    code = created["invite"]["inviteCode"]
    assert code == room["invite"]["inviteCode"]
    o.ok("chat_message", {"roomId": room["id"], "text": "secret plans"})
    assert g.call("join_room", {"roomId": room["id"]})["error"]["code"] == "ROOM_NOT_FOUND"
    wrong = g.call("join_room", {"roomId": room["id"], "inviteCode": "nope"})
    assert wrong["error"]["code"] == "INVITE_INVALID" and g.wait("error")["event"] == "join_room"
    state = g.ok("join_room", {"roomId": room["id"], "inviteCode": code})
    assert [m["text"] for m in state["chat"]] == ["secret plans"]
    assert g.ok("get_invite", {"roomId": room["id"]})["inviteCode"] == code
    for event, payload in (("chat_message", {"roomId": room["id"], "text": "hi"}),
                           ("sync_request", {"roomId": room["id"]}), ("get_invite", {"roomId": room["id"]}),
                           ("rotate_invite", {"roomId": room["id"]})):
        assert x.call(event, payload)["error"]["code"] == "ROOM_NOT_FOUND", event
    assert g.call("rotate_invite", {"roomId": room["id"]})["error"]["code"] == "NOT_ROOM_ADMIN"
    rotated = o.ok("rotate_invite", {"roomId": room["id"]})
    assert rotated["inviteCode"] != code and g.wait("invite_changed")["inviteCode"] == rotated["inviteCode"]
    assert x.call("join_room", {"roomId": room["id"], "inviteCode": code})["error"]["code"] == "INVITE_INVALID"
    x.ok("join_room", {"roomId": room["id"], "inviteCode": rotated["inviteCode"]})
