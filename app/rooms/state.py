"""The room model and its sync arithmetic, free of Flask and Redis so it is tested directly.

A room is two plain dicts: ``room`` (meta, options and the playback ``state``) and
``participants`` (user id string -> member dict). Every function here either reads them or
changes them in place; persisting and versioning belong to ``store``.

Positions are seconds (float); times are server epoch milliseconds (int).
"""
from __future__ import annotations

import html
import re
import unicodedata

CONTROL_ADMIN, CONTROL_EVERYONE = "admin", "everyone"
PLAYHEAD_ACTIONS = ("play", "pause", "seek", "setPlaybackRate", "updateTime")
ADMIN_ONLY_ACTIONS = ("changeEpisode", "changeProvider", "changeMedia")
ACTION_TYPES = PLAYHEAD_ACTIONS + ADMIN_ONLY_ACTIONS
# Actions that move the playhead are scheduled a short lead ahead so every player acts together.
SCHEDULED_ACTIONS = ("play", "seek", "setPlaybackRate")
READY, BUFFERING = "ready", "buffering"
CHAT_MAX_LENGTH = 500
MIN_RATE, MAX_RATE = 0.25, 4.0


def new_state(media_id: str, media_type: str, provider_id: str | None, season: int | None,
              episode: int | None, now: int) -> dict:
    return {"mediaId": media_id, "mediaType": media_type, "providerId": provider_id, "season": season,
            "episode": episode, "isPlaying": False, "currentTime": 0.0, "playbackRate": 1.0, "updatedAt": now,
            "version": 0}


def is_private(room: dict) -> bool:
    """A private room is seen and entered only by its members, platform admins and invitees."""
    return not room["options"].get("isPublic", True)


def new_member(user_id: str, display_name: str | None, now: int) -> dict:
    return {"userId": user_id, "displayName": display_name or f"user {user_id}", "joinedAt": now, "lastSeen": now,
            "sids": [], "disconnectedAt": None, "state": READY, "lastPosition": None, "driftMs": None,
            "rttMs": None}


def position_at(state: dict, at: int) -> float:
    """Where the playhead is at ``at``: ``currentTime`` is the position at ``updatedAt``."""
    if not state["isPlaying"] or at <= state["updatedAt"]:
        return float(state["currentTime"])
    return float(state["currentTime"]) + (at - state["updatedAt"]) / 1000.0 * float(state["playbackRate"])


def can_act(room: dict, user_id: str, action_type: str) -> bool:
    if room["adminId"] == user_id:
        return True
    if action_type in ADMIN_ONLY_ACTIONS:
        return False
    return room["options"]["controlMode"] == CONTROL_EVERYONE


def command_lead_ms(participants: dict, fixed_ms: int = 0, floor: int = 100, ceiling: int = 1000) -> int:
    """How far ahead a scheduled command takes effect: twice the slowest member's round trip.

    A fixed setting wins; members that never reported a round trip count as the floor, so a
    room of silent clients still gets a lead long enough to absorb loopback jitter.
    """
    if fixed_ms and fixed_ms > 0:
        return int(fixed_ms)
    slowest = max((m["rttMs"] or 0 for m in participants.values() if m["sids"] or m["rttMs"]), default=0)
    return int(min(ceiling, max(floor, 2 * slowest)))


def waiting_for(participants: dict) -> list[str]:
    """Connected members still buffering: the ones a waiting play holds for.

    Members without a connection are left out so a vanished player never holds the room.
    """
    return sorted(uid for uid, m in participants.items() if m["state"] == BUFFERING and m["sids"])


def apply_playhead(state: dict, action_type: str, data: dict, now: int, effective_at: int) -> None:
    """Apply play/pause/seek/setPlaybackRate/updateTime to ``state`` in place.

    ``currentTime``/``updatedAt`` are re-anchored so the extrapolation formula stays exact
    across the change; scheduled actions anchor at ``effective_at``.
    """
    if action_type == "play":
        state["currentTime"] = position_at(state, now)
        state["isPlaying"] = True
        state["updatedAt"] = effective_at
    elif action_type == "pause":
        state["currentTime"] = position_at(state, now)
        state["isPlaying"] = False
        state["updatedAt"] = now
    elif action_type == "seek":
        state["currentTime"] = float(data["currentTime"])
        state["updatedAt"] = effective_at
    elif action_type == "setPlaybackRate":
        state["currentTime"] = position_at(state, effective_at)
        state["playbackRate"] = float(data["rate"])
        state["updatedAt"] = effective_at
    elif action_type == "updateTime":
        state["currentTime"] = float(data["currentTime"])
        state["updatedAt"] = now
    else:
        raise ValueError(f"not a playhead action: {action_type}")
    state["version"] = int(state.get("version", 0)) + 1


def apply_change(state: dict, action_type: str, data: dict, now: int) -> None:
    """changeEpisode/changeProvider/changeMedia: new content starts paused at zero."""
    if action_type == "changeEpisode":
        if data.get("season") is not None:
            state["season"] = int(data["season"])
        state["episode"] = int(data["episode"])
    elif action_type == "changeProvider":
        state["providerId"] = data["provider"]
    elif action_type == "changeMedia":
        state["mediaId"] = str(data["mediaId"])
        if data.get("mediaType"):
            state["mediaType"] = data["mediaType"]
        state["season"] = state["episode"] = None
    else:
        raise ValueError(f"not a change action: {action_type}")
    if action_type != "changeProvider":  # same content on another source keeps its place
        state["currentTime"] = 0.0
        state["isPlaying"] = False
    else:
        state["currentTime"] = position_at(state, now)
    state["updatedAt"] = now
    state["version"] = int(state.get("version", 0)) + 1


def is_jump(state: dict, reported: float, now: int, threshold_s: float = 2.0) -> bool:
    """A reported position far from the extrapolated one is a jump, rebroadcast at once."""
    return abs(position_at(state, now) - reported) > threshold_s


def drift_ms(state: dict, reported: float, now: int) -> int:
    """Member position minus the room's position at the same instant, in ms (+ = ahead)."""
    return int(round((reported - position_at(state, now)) * 1000))


def spread_ms(participants: dict) -> int | None:
    """max - min drift over members that reported; None until at least one has."""
    drifts = [m["driftMs"] for m in participants.values() if m["driftMs"] is not None]
    if not drifts:
        return None
    return max(drifts) - min(drifts) if len(drifts) > 1 else abs(drifts[0])


def successor(participants: dict, leaving: str) -> str | None:
    """The longest-present remaining member (ties by id), or None when nobody is left."""
    others = [m for uid, m in participants.items() if uid != leaving]
    if not others:
        return None
    return min(others, key=lambda m: (m["joinedAt"], m["userId"]))["userId"]


def member_view(member: dict) -> dict:
    """The public shape of a member (no socket ids)."""
    return {"userId": member["userId"], "displayName": member["displayName"], "joinedAt": member["joinedAt"],
            "connected": bool(member["sids"]), "state": member["state"], "lastPosition": member["lastPosition"],
            "driftMs": member["driftMs"], "rttMs": member["rttMs"]}


def participants_view(room: dict, participants: dict) -> list[dict]:
    members = sorted(participants.values(), key=lambda m: (m["joinedAt"], m["userId"]))
    return [{**member_view(m), "isAdmin": m["userId"] == room["adminId"]} for m in members]


_CONTROL = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


def sanitise_chat(text: str) -> str:
    """Normalised, control- and bidi-free, HTML-escaped text; empty means nothing to send.

    Escaping here means a front end that drops the text into innerHTML cannot be scripted.
    """
    cleaned = _CONTROL.sub("", unicodedata.normalize("NFC", text)).strip()
    return html.escape(cleaned, quote=True)


def remove_member(room: dict, participants: dict, user_id: str, now: int) -> dict | None:
    """Remove a member; hands the admin role on when the admin leaves.

    Returns ``{"newAdmin", "oldAdmin"}`` when the admin changed, else None. An emptied room
    records ``emptySince`` so it closes after a grace period instead of at once.
    """
    participants.pop(user_id, None)
    changed = None
    if room["adminId"] == user_id:
        new_admin = successor(participants, user_id)
        if new_admin is not None:
            room["adminId"] = new_admin
            changed = {"newAdmin": new_admin, "oldAdmin": user_id}
    if not participants:
        room["emptySince"] = now
        room["pendingPlay"] = None
    return changed


def stale_members(participants: dict, now: int, grace_ms: int, heartbeat_ms: int) -> list[str]:
    """Members to drop: sockets gone for longer than the rejoin grace, or (members that never
    had a socket, e.g. joined over REST) silent for longer than the heartbeat timeout."""
    stale = []
    for uid, m in participants.items():
        if m["sids"]:
            continue
        if m["disconnectedAt"] is not None:
            if now - m["disconnectedAt"] >= grace_ms and now - m["lastSeen"] >= grace_ms:
                stale.append(uid)
        elif now - m["lastSeen"] >= heartbeat_ms:
            stale.append(uid)
    return sorted(stale)
