"""The platform's socket plumbing as a domain sees it: emits to a user and to a role, from any process."""
from __future__ import annotations

import time


def test_emits_reach_every_socket_of_a_user_and_of_a_role(app, room_servers, connect, make_user, admin):
    first, second = room_servers
    user = make_user()
    admin_socks = [connect(first, admin), connect(second, admin)]
    user_socks = [connect(first, user), connect(second, user)]
    from app.platform import sockets

    with app.app_context():  # this process holds none of them: the emits travel by the message queue
        sockets.to_role("admin", "probe", {"to": "admins"})
        sockets.to_user(str(user["id"]), "probe", {"to": "user"})
    for sock in admin_socks:
        assert sock.wait("probe") == {"to": "admins"}
    for sock in user_socks:
        assert sock.wait("probe") == {"to": "user"}
    time.sleep(0.3)
    assert [s.named("probe") for s in admin_socks + user_socks] == [[{"to": "admins"}]] * 2 + [[{"to": "user"}]] * 2
