"""The events and timers a room change causes, held until its write lands, then released."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from app.platform import sockets
from app.rooms import broadcast


@dataclass
class Outbox:
    """Events and timers a change causes, released after its commit."""

    emits: list[tuple[str, dict, dict]] = field(default_factory=list)
    timers: list[tuple[float, Callable, tuple]] = field(default_factory=list)
    queued: dict[int, dict] = field(default_factory=dict)  # emit index -> message the store published

    def publications(self) -> list[tuple[str, str]]:
        """The room emits as message-queue publications, for the store to send with its write.

        Only those queued before any socket leaves the room: the later ones are sent by ``flush``
        after the leave, so a member removed by a change never hears what the change did next.
        """
        self.queued.clear()
        out = []
        for index, (event, data, target) in enumerate(self.emits):
            if event == "__leave__":
                break
            if target.get("room_id"):
                queued = broadcast.queued_room_emit(target["room_id"], event, data, target.get("skip_sid"))
                if queued is not None:
                    out.append(queued[:2])
                    self.queued[index] = queued[2]
        return out

    def room(self, room_id: str, event: str, data: dict, skip_sid: str | None = None) -> None:
        self.emits.append((event, data, {"room_id": room_id, "skip_sid": skip_sid}))

    def caller(self, actor_uid: str, sid: str | None, event: str, data: dict) -> None:
        """To the sending socket, or to every socket of the user when the caller used REST."""
        self.emits.append((event, data, {"sid": sid, "user_id": None if sid else actor_uid}))

    @classmethod
    def tell_caller(cls, actor_uid: str, sid: str | None, event: str, data: dict) -> None:
        """Send one event to the caller now (outside any room change)."""
        outbox = cls()
        outbox.caller(actor_uid, sid, event, data)
        outbox.flush()

    def leave(self, room_id: str, sids: list[str]) -> None:
        self.emits.append(("__leave__", {}, {"room_id": room_id, "sids": list(sids)}))

    def later(self, delay_s: float, func: Callable, *args) -> None:
        self.timers.append((delay_s, func, args))

    def flush(self) -> None:
        for index, (event, data, target) in enumerate(self.emits):
            if index in self.queued:
                broadcast.deliver_here(self.queued[index])  # already published with the write
            elif event == "__leave__":
                for sid in target["sids"]:
                    broadcast.leave(sid, target["room_id"])
            elif target.get("room_id"):
                broadcast.to_room(target["room_id"], event, data, skip_sid=target.get("skip_sid"))
            elif target.get("sid"):
                sockets.to_sid(target["sid"], event, data)
            elif target.get("user_id"):
                sockets.to_user(target["user_id"], event, data)
        for delay, func, args in self.timers:
            broadcast.later(delay, func, *args)
