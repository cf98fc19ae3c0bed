"""The rooms domain's typed errors (rendered by the one error handler, HTTP or socket ack)."""
from __future__ import annotations

from app.errors import AppError


class RoomNotFound(AppError):
    code, status, message = "ROOM_NOT_FOUND", 404, "The room does not exist"


class RoomFull(AppError):
    code, status, message = "ROOM_FULL", 409, "The room is full"


class NotRoomAdmin(AppError):
    code, status, message = "NOT_ROOM_ADMIN", 403, "Only the room admin can do this"


class NotInRoom(AppError):
    code, status, message = "NOT_IN_ROOM", 403, "You are not in this room"


class ParticipantNotFound(AppError):
    code, status, message = "PARTICIPANT_NOT_FOUND", 404, "That user is not in this room"


class InviteInvalid(AppError):
    # Also the answer for a code sent to a room that does not exist: a wrong guess learns nothing.
    code, status, message = "INVITE_INVALID", 403, "The invite code is not valid (it may have been replaced)"


class RoomMismatch(AppError):
    # 409, not 422: the body is valid by the document (which cannot tie it to the path); it names
    # another room than the one the request is addressed to
    code, status, message = "ROOM_MISMATCH", 409, "roomId in the body differs from the one in the path"

    def __init__(self) -> None:
        super().__init__(details={"fields": {"roomId": [self.message]}})
