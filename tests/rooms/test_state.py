"""The pure room model: extrapolation, scheduling, permissions, drift, succession, chat text."""
from __future__ import annotations

import pytest

from app.rooms import state as st


def playing(at=1000, position=10.0, rate=1.0):
    s = st.new_state("603", "movie", None, None, None, at)
    s.update(isPlaying=True, currentTime=position, playbackRate=rate)
    return s


def member(uid, joined=0, sids=("s",), **kw):
    m = st.new_member(uid, None, joined)
    m["sids"] = list(sids)
    m.update(kw)
    return m


def test_position_extrapolates_only_while_playing():
    s = playing(at=1000, position=10.0, rate=2.0)
    assert st.position_at(s, 3000) == pytest.approx(14.0)
    assert st.position_at(s, 500) == 10.0  # before a scheduled start the player holds
    s["isPlaying"] = False
    assert st.position_at(s, 9000) == 10.0


def test_play_anchors_at_effective_at_and_pause_keeps_the_live_position():
    s = st.new_state("1", "movie", None, None, None, 0)
    st.apply_playhead(s, "seek", {"currentTime": 30.0}, 0, 0)
    st.apply_playhead(s, "play", {}, 1000, 1200)
    assert s["isPlaying"] and s["updatedAt"] == 1200 and s["currentTime"] == 30.0
    assert st.position_at(s, 2200) == pytest.approx(31.0)
    st.apply_playhead(s, "pause", {}, 3200, 3200)
    assert not s["isPlaying"] and s["currentTime"] == pytest.approx(32.0)
    assert s["version"] == 3


def test_rate_change_keeps_the_position_continuous():
    s = playing(at=0, position=0.0)
    st.apply_playhead(s, "setPlaybackRate", {"rate": 2.0}, 1000, 1100)
    assert s["currentTime"] == pytest.approx(1.1) and st.position_at(s, 2100) == pytest.approx(3.1)


def test_content_changes_reset_or_keep_the_position():
    s = playing(at=0, position=50.0)
    st.apply_change(s, "changeProvider", {"provider": "vidsrc"}, 1000)
    assert s["providerId"] == "vidsrc" and s["currentTime"] == pytest.approx(51.0)
    st.apply_change(s, "changeEpisode", {"season": 1, "episode": 3}, 2000)
    assert (s["season"], s["episode"], s["currentTime"], s["isPlaying"]) == (1, 3, 0.0, False)
    st.apply_change(s, "changeMedia", {"mediaId": "9", "mediaType": "tv"}, 3000)
    assert (s["mediaId"], s["mediaType"], s["episode"]) == ("9", "tv", None)
    with pytest.raises(ValueError):
        st.apply_change(s, "play", {}, 0)
    with pytest.raises(ValueError):
        st.apply_playhead(s, "changeMedia", {}, 0, 0)


@pytest.mark.parametrize("mode,action,allowed", [
    ("admin", "play", False), ("admin", "seek", False), ("everyone", "play", True),
    ("everyone", "setPlaybackRate", True), ("everyone", "changeEpisode", False),
    ("everyone", "changeProvider", False), ("everyone", "changeMedia", False),
])
def test_control_rules(mode, action, allowed):
    room = {"adminId": "1", "options": {"controlMode": mode}}
    assert st.can_act(room, "2", action) is allowed
    assert st.can_act(room, "1", action) is True


def test_lead_time_is_twice_the_slowest_round_trip_within_bounds():
    members = {"1": member("1", rttMs=20), "2": member("2", rttMs=180)}
    assert st.command_lead_ms(members) == 360
    assert st.command_lead_ms({"1": member("1", rttMs=10)}) == 100
    assert st.command_lead_ms({"1": member("1", rttMs=4000)}) == 1000
    assert st.command_lead_ms(members, fixed_ms=250) == 250
    assert st.command_lead_ms({}) == 100


def test_waiting_for_skips_members_without_a_connection():
    members = {"1": member("1", state="buffering"), "2": member("2", state="buffering", sids=()),
               "3": member("3")}
    assert st.waiting_for(members) == ["1"]


def test_drift_and_spread():
    s = playing(at=0, position=0.0)
    assert st.drift_ms(s, 10.25, 10_000) == 250
    assert st.spread_ms({"1": member("1", driftMs=250), "2": member("2", driftMs=-100), "3": member("3")}) == 350
    assert st.spread_ms({"1": member("1", driftMs=-40)}) == 40
    assert st.spread_ms({"1": member("1")}) is None
    assert st.is_jump(s, 30.0, 10_000) and not st.is_jump(s, 10.5, 10_000)


def test_the_longest_present_member_succeeds_the_admin_and_emptying_marks_the_room():
    room = {"adminId": "1", "pendingPlay": {"by": "1"}}
    members = {"1": member("1", joined=0), "3": member("3", joined=5), "2": member("2", joined=9)}
    assert st.remove_member(room, members, "1", 100) == {"newAdmin": "3", "oldAdmin": "1"}
    assert st.remove_member(room, members, "2", 110) is None and room["adminId"] == "3"
    st.remove_member(room, members, "3", 120)
    assert members == {} and room["emptySince"] == 120 and room["pendingPlay"] is None


def test_stale_members_respect_the_grace_and_the_heartbeat_timeout():
    members = {
        "connected": member("connected", lastSeen=0),
        "dropped-recently": member("dropped-recently", sids=(), disconnectedAt=9000, lastSeen=9000),
        "dropped-long-ago": member("dropped-long-ago", sids=(), disconnectedAt=1000, lastSeen=1000),
        "rest-silent": member("rest-silent", sids=(), lastSeen=0),
        "rest-fresh": member("rest-fresh", sids=(), lastSeen=8000),
    }
    assert st.stale_members(members, 10_000, grace_ms=5000, heartbeat_ms=6000) == ["dropped-long-ago", "rest-silent"]


def test_chat_text_is_escaped_and_stripped_of_control_and_bidi_characters():
    assert st.sanitise_chat(" <img src=x onerror=alert(1)> ") == "&lt;img src=x onerror=alert(1)&gt;"
    assert st.sanitise_chat("a\u0000b\u202ec\u200bd") == "abcd"
    assert st.sanitise_chat("\u0007 \u2066") == ""
    assert st.sanitise_chat("e\u0301") == "\u00e9"
