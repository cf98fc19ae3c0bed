"""Playback, sync and chat in a room: the commands, the reports and the clock.

Commands that move the playhead are scheduled ``effectiveAt`` a short lead ahead; with
``waitForAll`` a play holds until every connected member is ready (or the ready timeout).
Position reports from members only measure drift; the admin's reports steer the room.
"""
from __future__ import annotations

from typing import Any, Callable

from app.core.identity import Identity
from app.core.timeutil import now_ms
from app.errors import RateLimitError, ValidationError
from app.providers import service as providers
from app.rooms import state as st
from app.rooms.broadcast import to_room
from app.rooms import store
from app.rooms.changes import actor_id, cfg, change_room, check_claims, require_member
from app.rooms.entitlement import Entitlements, remove_unentitled
from app.rooms.errors import NotRoomAdmin, RoomNotFound
from app.rooms.outbox import Outbox


def _lead(participants: dict) -> int:
    return st.command_lead_ms(participants, int(cfg("ROOM_COMMAND_LEAD_MS")))


def _updated(room: dict, action: dict, uid: str, now: int, **extra) -> dict:
    return {"action": action, "state": dict(room["state"]), "userId": uid, "timestamp": now, "serverTime": now,
            **extra}


def _start_play(room: dict, participants: dict, outbox, uid: str, action: dict, now: int) -> dict:
    position = action["data"].get("currentTime")
    if position is not None:
        room["state"]["currentTime"], room["state"]["updatedAt"] = float(position), now
    effective_at = now + _lead(participants)
    st.apply_playhead(room["state"], "play", {}, now, effective_at)
    room["state"]["effectiveAt"] = effective_at
    room["pendingPlay"] = None
    payload = _updated(room, {**action, "effectiveAt": effective_at}, uid, now, effectiveAt=effective_at)
    outbox.room(room["id"], "playback_updated", payload)
    return payload


def _time_update(room: dict, participants: dict, outbox, uid: str, position: float, now: int) -> dict:
    """The admin's player reports its position: steer the room, rebroadcast only when due."""
    jumped = st.is_jump(room["state"], position, now)
    st.apply_playhead(room["state"], "updateTime", {"currentTime": position}, now, now)
    room["state"].pop("effectiveAt", None)
    member = participants[uid]
    member["lastPosition"], member["driftMs"] = position, 0
    due = now - int(room.get("lastTimeBroadcast") or 0) >= float(cfg("ROOM_TIME_BROADCAST_INTERVAL")) * 1000
    action = {"type": "updateTime", "data": {"currentTime": position}}
    payload = _updated(room, action, uid, now, broadcast=jumped or due)
    if jumped or due:
        room["lastTimeBroadcast"] = now
        outbox.room(room["id"], "playback_updated", payload)
    return payload


def _caller(actor: Identity, body: dict | None) -> str:
    """The caller's user id, once any user id the body claims is checked against it."""
    uid = actor_id(actor)
    check_claims(actor, body or {})
    return uid


def _as_member(room_id: str, actor: Identity, act: Callable[[dict, dict, Outbox, int, dict], Any]) -> Any:
    """Run ``act(room, participants, outbox, now, member)`` as one room change, the caller being a
    member (``NOT_IN_ROOM`` otherwise, ``ROOM_NOT_FOUND`` from a private room) who was just seen;
    returns what ``act`` returns."""

    def change(room, participants, outbox, now):
        member = require_member(room, participants, actor)
        member["lastSeen"] = now
        return act(room, participants, outbox, now, member)

    result, _, _ = change_room(room_id, change)
    return result


def playback_action(actor: Identity, room_id: str, action: dict, sid: str | None = None,
                    body: dict | None = None) -> dict:
    """Apply one ``{type, data}`` action under the room's control rules; emits to the room.

    ``changeMedia`` and ``changeEpisode`` need the caller to be entitled to the title; members
    who are not are removed and told why before the room hears of the change.
    """
    uid = _caller(actor, body)
    kind = action["type"]
    if kind == "changeProvider" and not providers.is_enabled(action["data"]["provider"]):
        raise ValidationError(f"Unknown or disabled provider {action['data']['provider']!r}",
                              field="action.data.provider")

    checks = Entitlements(actor)

    def act(room, participants, outbox, now, member):
        if not st.can_act(room, uid, kind):
            raise NotRoomAdmin()
        state = room["state"]
        if kind == "play":
            waiting = st.waiting_for(participants) if room["options"]["waitForAll"] else []
            if waiting:
                deadline = now + int(float(cfg("ROOM_READY_TIMEOUT")) * 1000)
                room["pendingPlay"] = {"by": uid, "requestedAt": now, "deadline": deadline,
                                       "currentTime": action["data"].get("currentTime")}
                outbox.later(float(cfg("ROOM_READY_TIMEOUT")) + 0.02, resolve_pending_play, room["id"])
                payload = _updated(room, action, uid, now, pending=True, waitingFor=waiting)
                outbox.room(room["id"], "playback_updated", payload)
                return payload
            return _start_play(room, participants, outbox, uid, action, now)
        if kind == "updateTime":
            return _time_update(room, participants, outbox, uid, float(action["data"]["currentTime"]), now)
        if kind in ("pause", "seek", "setPlaybackRate"):
            room["pendingPlay"] = None if kind == "pause" else room.get("pendingPlay")
            if kind == "pause" and action["data"].get("currentTime") is not None:
                state["currentTime"], state["updatedAt"], state["isPlaying"] = \
                    float(action["data"]["currentTime"]), now, False
            effective_at = now if kind == "pause" else now + _lead(participants)
            st.apply_playhead(state, kind, action["data"], now, effective_at)
            state["effectiveAt"] = effective_at
            payload = _updated(room, {**action, "effectiveAt": effective_at}, uid, now, effectiveAt=effective_at)
            outbox.room(room["id"], "playback_updated", payload)
            return payload
        if kind == "changeEpisode" and state["mediaType"] != "tv":
            raise ValidationError("changeEpisode needs a tv room: this room plays a movie (changeMedia switches "
                                  "it to a series)", field="action.type", code="NOT_A_SERIES")
        if kind != "changeProvider":
            checks.require(action["data"].get("mediaType") or state["mediaType"],
                           action["data"].get("mediaId") or state["mediaId"])
        st.apply_change(state, kind, action["data"], now)
        state.pop("effectiveAt", None)
        room["pendingPlay"] = None
        if kind != "changeProvider":
            remove_unentitled(room, participants, outbox, checks, now)  # before the change is announced
        event = {"changeEpisode": "episode_changed", "changeProvider": "provider_changed",
                 "changeMedia": "media_changed"}[kind]
        payload = _updated(room, action, uid, now)
        payload.update({"mediaId": state["mediaId"], "mediaType": state["mediaType"], "season": state["season"],
                        "episode": state["episode"], "providerId": state["providerId"], "provider": state["providerId"]})
        outbox.room(room["id"], event, payload)
        return payload

    return _as_member(room_id, actor, act)


def resolve_pending_play(room_id: str) -> None:
    """Start a waiting play once nobody is buffering or its deadline passed (timer entry)."""

    def change(room, participants, outbox, now):
        pending = room.get("pendingPlay")
        if not pending:
            return None
        if st.waiting_for(participants) and now < pending["deadline"]:
            return None
        action = {"type": "play", "data": {"currentTime": pending.get("currentTime")}}
        by = pending["by"] if pending["by"] in participants else room["adminId"]
        return _start_play(room, participants, outbox, by, action, now)

    try:
        change_room(room_id, change)
    except RoomNotFound:
        return


def update_time(actor: Identity, room_id: str, current_time: float, body: dict | None = None) -> dict:
    """The admin's position steers the room; anyone else's is a report that measures drift."""
    uid = _caller(actor, body)

    def act(room, participants, outbox, now, member):
        if room["adminId"] == uid:
            return _time_update(room, participants, outbox, uid, current_time, now)
        member["lastPosition"] = current_time
        member["driftMs"] = st.drift_ms(room["state"], current_time, now)
        return {"driftMs": member["driftMs"], "state": dict(room["state"]), "serverTime": now, "broadcast": False}

    return _as_member(room_id, actor, act)


def sync_request(actor: Identity, room_id: str, sid: str | None = None, body: dict | None = None) -> dict:
    uid = _caller(actor, body)

    def act(room, participants, outbox, now, member):
        payload = {"currentState": dict(room["state"]), "timestamp": now, "adminId": room["adminId"],
                   "serverTime": now, "participants": st.participants_view(room, participants)}
        outbox.caller(uid, sid, "sync_response", payload)
        return payload

    return _as_member(room_id, actor, act)


def heartbeat(actor: Identity, room_id: str, rtt_ms: int | None = None, body: dict | None = None) -> dict:
    _caller(actor, body)  # a user id the body claims must be the caller's

    def act(room, participants, outbox, now, member):
        if rtt_ms is not None:
            member["rttMs"] = int(rtt_ms)
        return {"roomId": room["id"], "serverTime": now, "version": room["version"] + 1}

    return _as_member(room_id, actor, act)


def time_sync(client_time: float) -> dict:
    """Answered at once (no Redis) so the round trip a client measures is the network's."""
    return {"clientTime": client_time, "serverTime": now_ms()}


def player_state(actor: Identity, room_id: str, body: dict) -> dict:
    """A member's player is ready or buffering (and where); may release a waiting play."""
    uid = _caller(actor, body)

    def act(room, participants, outbox, now, member):
        member["state"] = body["state"]
        if body.get("rtt_ms") is not None:
            member["rttMs"] = int(body["rtt_ms"])
        if body.get("position") is not None:
            member["lastPosition"] = float(body["position"])
            member["driftMs"] = st.drift_ms(room["state"], float(body["position"]), now)
        pending = room.get("pendingPlay")
        outbox.room(room["id"], "participants_updated",
                    {"participants": st.participants_view(room, participants), "serverTime": now})
        if pending and not st.waiting_for(participants):
            by = pending["by"] if pending["by"] in participants else room["adminId"]
            _start_play(room, participants, outbox, by, {"type": "play",
                                                         "data": {"currentTime": pending.get("currentTime")}}, now)
        return {"userId": uid, "state": member["state"], "driftMs": member["driftMs"],
                "waitingFor": st.waiting_for(participants), "serverTime": now}

    return _as_member(room_id, actor, act)


def chat_message(actor: Identity, room_id: str, text: str, body: dict | None = None) -> dict:
    uid = _caller(actor, body)
    clean = st.sanitise_chat(text)
    if not clean:
        raise ValidationError("The message is empty", field="text")
    if len(clean) > st.CHAT_MAX_LENGTH * 6:  # escaping grows text; refuse only absurd growth
        raise ValidationError("The message is too long", field="text")

    def act(room, participants, outbox, now, member):
        return {"userId": uid, "displayName": member["displayName"], "text": clean, "serverTime": now}

    # Membership first (a non-member must not spend the counter), then the limit, then send.
    message = _as_member(room_id, actor, act)
    if not store.allow_chat(room_id, uid, int(cfg("ROOM_CHAT_RATE_LIMIT")), int(cfg("ROOM_CHAT_RATE_WINDOW"))):
        raise RateLimitError("You are sending messages too fast", headers={"Retry-After": str(cfg("ROOM_CHAT_RATE_WINDOW"))})
    store.append_chat(room_id, message, int(cfg("ROOM_CHAT_HISTORY")), int(cfg("ROOM_IDLE_TTL")) + 3600)
    to_room(room_id, "chat_message", message)
    return message
