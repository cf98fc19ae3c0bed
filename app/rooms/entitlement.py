"""A room plays a catalog title only to those entitled to it: the catalog's one check, asked at
creation, at every join and at every change of media or episode.

A media id outside the catalog passes (the catalog says so). A member who lacks the entitlement
for a room's new title is removed before the change is announced and told why
(``removed_from_room`` and ``error``, with the catalog's code), so they never get its stream.
"""
from __future__ import annotations

from app.catalog import service as catalog
from app.core.identity import Identity
from app.errors import AppError
from app.rooms import store
from app.rooms.changes import actor_id, depart
from app.rooms.outbox import Outbox

NOT_ENTITLED = "not_entitled"  # the reason in user_left and removed_from_room


class Entitlements:
    """The catalog's answers for one room operation, kept across the retried attempts of its change
    (one account read per member and one answer per member and title)."""

    def __init__(self, actor: Identity) -> None:
        self.actor = actor
        self.actor_uid = actor_id(actor)
        self._viewers: dict[str, object] = {}
        self._answers: dict[tuple[str, str, str], AppError | None] = {}

    def _viewer(self, uid: str):
        if uid not in self._viewers:
            self._viewers[uid] = (catalog.viewer_for(self.actor) if uid == self.actor_uid
                                  else catalog.member_viewer(int(uid)))
        return self._viewers[uid]

    def refusal(self, uid: str, media_type: str, media_id: str) -> AppError | None:
        """Why ``uid`` may not watch the title, or None when they may (or it is not a catalog title)."""
        key = (uid, media_type, str(media_id))
        if key not in self._answers:
            try:
                catalog.ensure_media_entitled(lambda: self._viewer(uid), media_type, str(media_id))
                self._answers[key] = None
            except AppError as exc:  # a closed account is as unable to watch as a lower tier
                self._answers[key] = exc
        return self._answers[key]

    def require(self, media_type: str, media_id: str, uid: str | None = None) -> None:
        """Raise the catalog's refusal for the caller (or ``uid``), if there is one."""
        refusal = self.refusal(uid or self.actor_uid, media_type, media_id)
        if refusal is not None:
            raise refusal


def remove_unentitled(room: dict, participants: dict, outbox: Outbox, checks: Entitlements, now: int) -> list[str]:
    """Inside a room change: remove every member but the caller who may not watch the room's
    current title, telling each why; returns their ids. Their sockets leave the room before
    anything queued after this call is sent (``Outbox.publications``)."""
    state = room["state"]
    removed = []
    for uid in sorted(participants):
        refusal = None if uid == checks.actor_uid else checks.refusal(uid, state["mediaType"], state["mediaId"])
        if refusal is None:
            continue
        member = participants[uid]
        depart(room, participants, outbox, uid, now, reason=NOT_ENTITLED)
        outbox.leave(room["id"], set(member["sids"]) | set(store.user_socket_ids(uid)))
        details = {**(refusal.details or {}), "roomId": room["id"]}
        outbox.caller(uid, None, "removed_from_room", {
            "roomId": room["id"], "reason": NOT_ENTITLED, "code": refusal.code, "message": refusal.message,
            "details": details, "serverTime": now})
        outbox.caller(uid, None, "error", {"code": refusal.code, "message": refusal.message,
                                           "event": "removed_from_room", "details": details})
        removed.append(uid)
    return removed
