"""Schemas for room bodies (REST and Socket.IO payloads alike) and room responses.

Input schemas are ``CamelSchema`` (camelCase, unknown keys refused). The REST variants take
the room id from the path, so ``roomId`` is optional there and required on sockets.
Response schemas describe dicts the service already builds in wire shape (the same dicts go
out over Socket.IO), so their attribute names are the camelCase keys themselves.
"""
from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from app.core.schemas import CamelSchema, WholeMatch, camelize, refuse_nul
from app.rooms import state as st

ROOM_ID = WholeMatch(r"^[A-Za-z0-9_-]{1,64}$", error="Not a valid room id")
INVITE_CODE = WholeMatch(r"^[A-Za-z0-9_-]{1,64}$", error="Not a valid invite code")
MAX_POSITION = 10_000_000.0  # seconds; longer than any film, short of float trouble


class Ident(ma.fields.Field):
    """A user or media id: the original clients send strings or numbers; we keep strings."""

    def __init__(self, **kwargs):
        # the type rule always reaches the document; a caller's metadata adds to it
        kwargs["metadata"] = {
            "oneOf": [{"type": "string", "minLength": 1, "maxLength": 128, "pattern": r"^[^\x00]*[^\s\x00][^\x00]*$"},
                      {"type": "integer", "minimum": -(2**63 - 1), "maximum": 2**63 - 1}],
            "description": "a string (not only spaces), or an integer the server turns into one",
            **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise ma.ValidationError("Must be a string or an integer")
        text = str(value).strip()
        if not text or len(text) > 128:
            raise ma.ValidationError("Must be 1 to 128 characters")
        refuse_nul(text)
        return text


def _position(**kw):
    return ma.fields.Float(validate=validate.Range(min=0, max=MAX_POSITION), allow_nan=False, **kw)


class _Actor(CamelSchema):
    """Fields every body may carry: legacy clients name themselves; only the caller is accepted."""

    room_id = ma.fields.String(validate=ROOM_ID, load_default=None)
    user_id = Ident(load_default=None)


DEFAULT_ROOM_NAME = "Watch party"


class CreateRoomSchema(CamelSchema):
    """``{name, mediaId, mediaType, ...}``, or seed 000's ``{movieId, adminId}`` (a movie room)."""

    name = ma.fields.String(load_default=DEFAULT_ROOM_NAME, validate=validate.Length(min=1, max=100))
    media_id = Ident(load_default=None, metadata={"description": "required unless movieId is sent"})
    movie_id = Ident(load_default=None, metadata={
        "description": "the seed clients' spelling of mediaId for a movie (mediaType then defaults to movie)"})
    media_type = ma.fields.String(load_default=None, validate=validate.OneOf(["movie", "tv"]),
                                  metadata={"description": "required with mediaId; movie with movieId"})
    provider_id = ma.fields.String(load_default=None, validate=validate.Length(min=1, max=64),
                                   metadata={"description": "ROOM_DEFAULT_PROVIDER (vidnest) when left out"})
    season = ma.fields.Integer(load_default=None, validate=validate.Range(min=0, max=10_000),
                               metadata={"description": "tv rooms only"})
    episode = ma.fields.Integer(load_default=None, validate=validate.Range(min=0, max=100_000),
                                metadata={"description": "tv rooms only"})
    control_mode = ma.fields.String(load_default=st.CONTROL_ADMIN,
                                    validate=validate.OneOf([st.CONTROL_ADMIN, st.CONTROL_EVERYONE]))
    max_participants = ma.fields.Integer(load_default=None, validate=validate.Range(min=1, max=1000))
    is_public = ma.fields.Boolean(load_default=True, metadata={
        "description": "false: a private room, listed to nobody but its members and entered with its invite"})
    wait_for_all = ma.fields.Boolean(load_default=True)
    user_id = Ident(load_default=None)
    admin_id = Ident(load_default=None)

    @ma.validates_schema(skip_on_field_errors=False, pass_original=True)
    def _one_title(self, data, original, **_):
        # runs beside the field errors (so a payload hears of every problem at once); what was
        # sent is read from the original, since a field that failed is absent from ``data``
        sent = original if isinstance(original, dict) else {}
        media_id, movie_id, media_type = data.get("media_id"), data.get("movie_id"), data.get("media_type")
        errors: dict[str, list[str]] = {}
        if sent.get("mediaId") is None and sent.get("movieId") is None:
            errors["mediaId"] = ["Missing data for required field."]
        if media_id is not None and movie_id is not None and media_id != movie_id:
            errors["movieId"] = ["movieId and mediaId name different titles"]
        if movie_id is not None and media_type == "tv":
            errors["mediaType"] = ["movieId names a movie; send mediaId for a tv room"]
        if sent.get("movieId") is None and sent.get("mediaType") is None:
            errors["mediaType"] = ["Missing data for required field."]
        is_movie = media_type == "movie" or (media_type is None and sent.get("mediaType") is None)
        if is_movie and "mediaType" not in errors:
            for name in ("season", "episode"):
                if data.get(name) is not None:
                    errors[name] = ["A movie room has no season or episode"]
        if errors:
            raise ma.ValidationError(errors)

    @ma.post_load
    def _as_media(self, data, **_):
        movie_id = data.pop("movie_id", None)
        if movie_id is not None:
            data["media_id"], data["media_type"] = data.get("media_id") or movie_id, data.get("media_type") or "movie"
        return data


class RoomRefSchema(_Actor):
    pass


class SocketRoomRefSchema(RoomRefSchema):
    room_id = ma.fields.String(validate=ROOM_ID, required=True)


class JoinRoomSchema(RoomRefSchema):
    invite_code = ma.fields.String(load_default=None, validate=INVITE_CODE, metadata={
        "description": "a private room's current invite code; members and platform admins need none"})


class SocketJoinRoomSchema(JoinRoomSchema):
    room_id = ma.fields.String(validate=ROOM_ID, required=True)


class _PlayData(CamelSchema):
    current_time = _position(load_default=None)


class _PositionData(CamelSchema):
    current_time = _position(required=True)


class _RateData(CamelSchema):
    rate = ma.fields.Float(required=True, allow_nan=False, validate=validate.Range(min=st.MIN_RATE, max=st.MAX_RATE))


class _EpisodeData(CamelSchema):
    season = ma.fields.Integer(load_default=None, validate=validate.Range(min=0, max=10_000))
    episode = ma.fields.Integer(required=True, validate=validate.Range(min=0, max=100_000))


class _ProviderData(CamelSchema):
    provider = ma.fields.String(required=True, validate=validate.Length(min=1, max=64))


class _MediaData(CamelSchema):
    media_id = Ident(required=True)
    media_type = ma.fields.String(load_default=None, validate=validate.OneOf(["movie", "tv"]))


_ACTION_DATA = {"play": _PlayData, "pause": _PlayData, "seek": _PositionData, "updateTime": _PositionData,
                "setPlaybackRate": _RateData, "changeEpisode": _EpisodeData, "changeProvider": _ProviderData,
                "changeMedia": _MediaData}


_action_data_schemas = {kind: schema() for kind, schema in _ACTION_DATA.items()}  # stateless on load; built once


class ActionSchema(ma.Schema):
    """``{type, data}``; ``data`` is checked against the schema of its ``type``."""

    class Meta:
        unknown = ma.RAISE

    type = ma.fields.String(required=True, validate=validate.OneOf(st.ACTION_TYPES))
    data = ma.fields.Raw(load_default=None)

    @ma.post_load
    def _typed_data(self, item, **kwargs):
        raw = item.get("data")
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise ma.ValidationError({"data": ["Must be an object"]})
        try:
            loaded = _action_data_schemas[item["type"]].load(raw)
        except ma.ValidationError as exc:
            raise ma.ValidationError({"data": exc.messages}) from exc
        # The action is echoed to every member, so it keeps its wire (camelCase) names.
        item["data"] = {camelize(name): value for name, value in loaded.items() if value is not None}
        return item


class PlaybackSchema(_Actor):
    """``{action: {type, data}}``, or seed 000's ``{action: "play"}`` with the data beside it
    (``{action: "seek", currentTime: 42}``)."""

    action = ma.fields.Nested(ActionSchema, required=True, metadata={
        "description": "{type, data}; or the type alone as a string, its data fields (currentTime, rate, "
                       "season, episode, provider, mediaId, mediaType) then sent beside it"})

    @ma.pre_load
    def _action_as_object(self, payload, **_):
        if not isinstance(payload, dict) or not isinstance(payload.get("action"), str):
            return payload
        payload = dict(payload)
        kind = payload["action"]
        action = {"type": kind}
        data_schema = _action_data_schemas.get(kind)
        if data_schema is not None:
            wire_names = [field.data_key or name for name, field in data_schema.fields.items()]
            data = {name: payload.pop(name) for name in wire_names if name in payload}
            if data:
                action["data"] = data
        payload["action"] = action
        return payload


class SocketPlaybackSchema(PlaybackSchema):
    room_id = ma.fields.String(validate=ROOM_ID, required=True)


class UpdateTimeSchema(_Actor):
    room_id = ma.fields.String(validate=ROOM_ID, required=True)
    current_time = _position(required=True)


class HeartbeatSchema(_Actor):
    room_id = ma.fields.String(validate=ROOM_ID, required=True)
    rtt_ms = ma.fields.Integer(load_default=None, validate=validate.Range(min=0, max=60_000))


class TimeSyncSchema(CamelSchema):
    client_time = ma.fields.Float(required=True, allow_nan=False, validate=validate.Range(min=0, max=1e15))


class PlayerStateSchema(_Actor):
    room_id = ma.fields.String(validate=ROOM_ID, required=True)
    state = ma.fields.String(required=True, validate=validate.OneOf([st.READY, st.BUFFERING]))
    position = _position(load_default=None)
    rtt_ms = ma.fields.Integer(load_default=None, validate=validate.Range(min=0, max=60_000))


class ChatSchema(_Actor):
    room_id = ma.fields.String(validate=ROOM_ID, required=True)
    text = ma.fields.String(required=True, validate=validate.Length(min=1, max=st.CHAT_MAX_LENGTH))


class TransferAdminSchema(_Actor):
    new_admin_id = Ident(required=True)
    current_admin_id = Ident(load_default=None)
    admin_id = Ident(load_default=None)


class SocketTransferAdminSchema(TransferAdminSchema):
    room_id = ma.fields.String(validate=ROOM_ID, required=True)


class KickUserSchema(_Actor):
    user_id_to_kick = Ident(required=True)
    admin_id = Ident(load_default=None)


class SocketKickUserSchema(KickUserSchema):
    room_id = ma.fields.String(validate=ROOM_ID, required=True)


# ---- responses (wire-shaped dicts) -------------------------------------------------------

class PlaybackStateSchema(ma.Schema):
    mediaId = ma.fields.String(allow_none=True)
    mediaType = ma.fields.String(allow_none=True)
    providerId = ma.fields.String(allow_none=True)
    season = ma.fields.Integer(allow_none=True)
    episode = ma.fields.Integer(allow_none=True)
    isPlaying = ma.fields.Boolean()
    currentTime = ma.fields.Float()
    playbackRate = ma.fields.Float()
    updatedAt = ma.fields.Integer(metadata={"description": "server epoch ms at which currentTime holds"})
    version = ma.fields.Integer()
    effectiveAt = ma.fields.Integer(allow_none=True)


class ParticipantSchema(ma.Schema):
    userId = ma.fields.String()
    displayName = ma.fields.String()
    joinedAt = ma.fields.Integer()
    connected = ma.fields.Boolean()
    isAdmin = ma.fields.Boolean()
    state = ma.fields.String()
    lastPosition = ma.fields.Float(allow_none=True)
    driftMs = ma.fields.Integer(allow_none=True)
    rttMs = ma.fields.Integer(allow_none=True)


class RoomOptionsSchema(ma.Schema):
    controlMode = ma.fields.String()
    maxParticipants = ma.fields.Integer()
    isPublic = ma.fields.Boolean()
    waitForAll = ma.fields.Boolean()


class RoomSchema(ma.Schema):
    id = ma.fields.String()
    roomId = ma.fields.String()
    name = ma.fields.String()
    adminId = ma.fields.String()
    createdAt = ma.fields.Integer()
    lastActivity = ma.fields.Integer()
    version = ma.fields.Integer()
    options = ma.fields.Nested(RoomOptionsSchema)
    currentState = ma.fields.Nested(PlaybackStateSchema)
    participants = ma.fields.List(ma.fields.Nested(ParticipantSchema))
    participantCount = ma.fields.Integer()
    spreadMs = ma.fields.Integer(allow_none=True, metadata={"description": "max - min member drift (ms)"})
    pendingPlay = ma.fields.Dict(allow_none=True)
    serverTime = ma.fields.Integer()


class InviteSchema(ma.Schema):
    roomId = ma.fields.String()
    isPublic = ma.fields.Boolean(metadata={"description": "a public room is joined without the code"})
    inviteCode = ma.fields.String(allow_none=True, metadata={
        "description": "what a non-member sends as inviteCode to join a private room; null only for a room "
                       "created before invites existed (rotate to get one)"})
    inviteLink = ma.fields.String(allow_none=True, metadata={"description": "ROOM_INVITE_URL filled in"})
    rotatedAt = ma.fields.Integer(allow_none=True, metadata={"description": "server epoch ms the code was made"})


class CreatedRoomSchema(RoomSchema):
    """The create answer: the room and, for its creator only, its invite."""

    invite = ma.fields.Nested(InviteSchema)


class RoomStateSchema(ma.Schema):
    """What a join or a sync answers: the room, its playback state, members and the clock."""

    room = ma.fields.Nested(RoomSchema)
    currentState = ma.fields.Nested(PlaybackStateSchema)
    participants = ma.fields.List(ma.fields.Nested(ParticipantSchema))
    serverTime = ma.fields.Integer()
    timestamp = ma.fields.Integer()
    adminId = ma.fields.String()
    chat = ma.fields.List(ma.fields.Dict())


class ActionResultSchema(ma.Schema):
    action = ma.fields.Dict()
    state = ma.fields.Nested(PlaybackStateSchema)
    userId = ma.fields.String()
    timestamp = ma.fields.Integer()
    serverTime = ma.fields.Integer()
    pending = ma.fields.Boolean()
    effectiveAt = ma.fields.Integer(metadata={"description": "server epoch ms at which players should act"})
    broadcast = ma.fields.Boolean()
    waitingFor = ma.fields.List(ma.fields.String())


class MembershipSchema(ma.Schema):
    roomId = ma.fields.String()
    userId = ma.fields.String()
    participants = ma.fields.List(ma.fields.Nested(ParticipantSchema))
    adminId = ma.fields.String(allow_none=True)
    closing = ma.fields.Boolean()


class RoomStatsSchema(ma.Schema):
    rooms = ma.fields.Integer()
    participants = ma.fields.Integer()
    connectedParticipants = ma.fields.Integer()
    eventsPerMinute = ma.fields.Integer()
    maxSpreadMs = ma.fields.Integer(allow_none=True)
    rooms_detail = ma.fields.List(ma.fields.Dict(), data_key="roomSpreads", metadata={
        "description": "{roomId, spreadMs} of the rooms the caller may see: public rooms, and private ones "
                       "they belong to (platform admins: all); the counts cover every room"})
    serverTime = ma.fields.Integer()


class RoomProviderSchema(ma.Schema):
    id = ma.fields.String()
    name = ma.fields.String()
    priority = ma.fields.Integer(allow_none=True)
