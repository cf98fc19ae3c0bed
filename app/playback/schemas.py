"""Playback request and response schemas."""
from __future__ import annotations

import marshmallow as ma

from app.catalog.schemas import ContentCardSchema, EpisodeSchema, SourceSchema, Text, db_id
from app.core.pagination import PaginationArgsSchema
from app.core.schemas import MAX_DB_INT, CamelSchema

POSITION = ma.fields.Float(required=True, allow_nan=False, validate=ma.validate.Range(min=0, max=10_000_000),
                           metadata={"description": "Seconds from the start; past the duration is clamped"})
CLIENT_TS = ma.fields.Integer(validate=ma.validate.Range(min=0, max=2**53),
                              metadata={"description": "Client clock, epoch ms; older reports are not applied"})


class SessionStartSchema(CamelSchema):
    content_id = db_id(required=True)
    episode_id = db_id(allow_none=True)
    device = Text(allow_none=True, max_length=100)
    duration = ma.fields.Float(allow_nan=False, validate=ma.validate.Range(min=0, max=10_000_000),
                               metadata={"description": "Used only when the catalog does not know the length"})


class PlayBodySchema(CamelSchema):
    episode_id = db_id(allow_none=True)
    device = Text(allow_none=True, max_length=100)


class SessionReportSchema(CamelSchema):
    position = POSITION
    state = Text(required=True, validate=ma.validate.OneOf(("playing", "paused", "buffering")))
    timestamp = CLIENT_TS


class SessionEndSchema(CamelSchema):
    position = POSITION
    timestamp = CLIENT_TS


class ItemProgressSchema(CamelSchema):
    content_id = db_id(required=True)
    episode_id = db_id(allow_none=True)
    position = POSITION
    timestamp = CLIENT_TS


class SessionSchema(CamelSchema):
    session_id = ma.fields.String(required=True)
    content_id = ma.fields.Integer(required=True)
    episode_id = ma.fields.Integer(allow_none=True)
    season_number = ma.fields.Integer(allow_none=True)
    episode_number = ma.fields.Integer(allow_none=True)
    resume_position = ma.fields.Float(required=True)
    duration = ma.fields.Float(required=True)
    started_at = ma.fields.DateTime(required=True)
    sources = ma.fields.List(ma.fields.Nested(SourceSchema), required=True)
    stream = ma.fields.Dict(allow_none=True, metadata={
        "description": "The title's own uploaded video, when it has a playable one: the signed HLS master "
                       "playlist and renditions, as GET /api/v1/content/{id}/stream gives them"})


class ReportResultSchema(CamelSchema):
    session_id = ma.fields.String(required=True)
    applied = ma.fields.Boolean(required=True, metadata={"description": "False for a late report"})
    position = ma.fields.Float(allow_none=True)
    duration = ma.fields.Float(required=True)
    percent = ma.fields.Float(required=True)
    completed = ma.fields.Boolean(required=True)
    resume_position = ma.fields.Float(required=True)
    ended = ma.fields.Boolean(required=True)


class HistoryEntrySchema(CamelSchema):
    id = ma.fields.Integer(required=True)
    content_id = ma.fields.Integer(required=True)
    episode_id = ma.fields.Integer(allow_none=True)
    content = ma.fields.Nested(ContentCardSchema, allow_none=True)
    episode = ma.fields.Nested(EpisodeSchema, allow_none=True)
    position = ma.fields.Float(required=True)
    duration = ma.fields.Float(required=True)
    percent = ma.fields.Float(required=True)
    completed = ma.fields.Boolean(required=True)
    last_watched_at = ma.fields.DateTime(required=True)


class ContinueEntrySchema(HistoryEntrySchema):
    kind = ma.fields.String(required=True, metadata={"enum": ["resume", "next-up"]})


class HistoryArgsSchema(PaginationArgsSchema):
    pass


class AnalyticsArgsSchema(CamelSchema):
    date_from = ma.fields.Date(data_key="from")
    date_to = ma.fields.Date(data_key="to")
    # a query value is text: the strict integer of JSON bodies refused every "?contentId=42"
    content_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=MAX_DB_INT))

    @ma.validates_schema
    def _range_in_order(self, data, **_):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ma.ValidationError("from must not be after to", "from")


class AnalyticsSchema(CamelSchema):
    date_from = ma.fields.Date(required=True, data_key="from")
    date_to = ma.fields.Date(required=True, data_key="to")
    totals = ma.fields.Dict(required=True, metadata={"description": "views, uniqueViewers, watchTimeSeconds, "
                                                                     "completions, completionRate"})
    per_content = ma.fields.List(ma.fields.Dict(), required=True)
    per_day = ma.fields.List(ma.fields.Dict(), required=True)


class AdminStatsSchema(CamelSchema):
    users = ma.fields.Dict(required=True)
    content = ma.fields.Dict(required=True)
    top_content = ma.fields.List(ma.fields.Nested(ContentCardSchema), required=True)
    sessions_now = ma.fields.Integer(required=True)
    recommendations = ma.fields.Dict(allow_none=True, metadata={
        "description": "The personalized model serving now (model, version, trainedAt, users, items, interactions, "
                       "fitSeconds, evaluation: held-out NDCG@10 and Recall@20); null before the first training"})
