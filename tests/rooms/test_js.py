"""The official socket.io-client 4 under Node, and the demo page in Debian's headless Chromium."""
from __future__ import annotations

import pytest

from tests.support.node import chromium_path, node_with_deps, run_node


@pytest.fixture(scope="session")
def node_deps():
    return node_with_deps()


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_official_js_client(node_deps, server, make_user, token_for, transport):
    result = run_node(node_deps, "client_check.mjs", server.url, token_for(make_user()), token_for(make_user()),
                      transport)
    assert "error" not in result, result
    assert result["anonymous"] == {"ok": False, "code": "AUTHENTICATION_ERROR"}
    assert result["connected"] and result["created"] and result["joinedParticipants"] == 2
    assert result["playing"] is True and 100 <= result["leadMs"] <= 1000
    assert result["refusedCode"] == "NOT_ROOM_ADMIN" and result["errorEvent"] == "playback_action"


def test_official_js_client_with_seed_000_payloads(node_deps, server, make_user, token_for):
    admin, guest = make_user(), make_user()
    result = run_node(node_deps, "seed_client_check.mjs", server.url, token_for(admin), str(admin["id"]),
                      token_for(guest), str(guest["id"]))
    assert "error" not in result, result
    assert result["created"] is True and result["provider"] == "vidnest" and result["mediaType"] == "movie"
    assert result["joinedParticipants"] == 2
    assert result["played"] is True and result["heardPlaying"] is True
    assert result["reportedTime"] == 12.5
    assert result["forgedCode"] == "AUTHORIZATION_ERROR"  # a userId that is not the caller's own
    assert result["episodeCode"] == "NOT_A_SERIES"


@pytest.mark.browser
def test_demo_pages_stay_in_sync_in_chromium(node_deps, server, make_user):
    chromium_path()
    a, b = make_user(password="password123"), make_user(password="password123")
    result = run_node(node_deps, "browser_sync.mjs", server.url, a["email"], b["email"], "password123", timeout=90)
    assert "error" not in result, result
    assert result["statusBefore"] == "paused" and result["statusAfter"] == "playing"
    assert result["positionB"] >= 0.5
    assert abs(result["positionA"] - result["positionB"]) < 0.25  # both follow the same room clock
