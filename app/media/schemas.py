"""Wire shapes of the media domain (camelCase on the wire, as everywhere)."""
from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload

from app.catalog.schemas import Text, db_id
from app.core.schemas import MAX_DB_INT, CamelSchema
from app.media.models import JOB_STATES


class ChunkSchema(CamelSchema):
    index = ma.fields.Integer(required=True)
    start = ma.fields.Float(required=True)
    duration = ma.fields.Float(required=True)
    done = ma.fields.Boolean(required=True)
    worker = ma.fields.String(allow_none=True)


class JobSchema(CamelSchema):
    id = ma.fields.Integer(required=True)
    asset_id = ma.fields.Integer(required=True)
    content_id = ma.fields.Integer(required=True)
    episode_id = ma.fields.Integer(allow_none=True)
    state = ma.fields.String(required=True, metadata={"enum": list(JOB_STATES)})
    progress = ma.fields.Float(required=True, metadata={"description": "Percent of the source transcoded"})
    eta_seconds = ma.fields.Float(allow_none=True)
    speed = ma.fields.Float(allow_none=True, metadata={"description": "Seconds of video per second of work"})
    rungs_live = ma.fields.List(ma.fields.String(), required=True,
                                metadata={"description": "The renditions viewers can play now"})
    attempts = ma.fields.Integer(required=True)
    error_code = ma.fields.String(allow_none=True)
    error = ma.fields.String(allow_none=True)
    error_tail = ma.fields.String(allow_none=True, metadata={"description": "ffmpeg's last lines on failure"})
    created_at = ma.fields.DateTime(required=True)
    started_at = ma.fields.DateTime(allow_none=True)
    finished_at = ma.fields.DateTime(allow_none=True)
    first_playable_at = ma.fields.DateTime(allow_none=True, metadata={
        "description": "When viewers could first play it (before the whole ladder, on the chunked path)"})
    playable_seconds = ma.fields.Float(allow_none=True, metadata={"description": "How much of it plays now"})
    chunks = ma.fields.List(ma.fields.Nested(ChunkSchema), allow_none=True,
                            metadata={"description": "The chunked path: each chunk, done or not, and its worker"})


class RenditionSchema(CamelSchema):
    name = ma.fields.String(required=True)
    width = ma.fields.Integer(required=True)
    height = ma.fields.Integer(required=True)
    bandwidth = ma.fields.Integer(required=True)
    video_kbps = ma.fields.Integer(required=True)
    audio_kbps = ma.fields.Integer(required=True)
    url = ma.fields.String()


class AssetSchema(CamelSchema):
    id = ma.fields.Integer(required=True)
    content_id = ma.fields.Integer(required=True)
    episode_id = ma.fields.Integer(allow_none=True)
    source_name = ma.fields.String(allow_none=True)
    source_size = ma.fields.Integer(allow_none=True)
    source_probe = ma.fields.Dict(allow_none=True)
    playable = ma.fields.Boolean(required=True)
    duration = ma.fields.Float(allow_none=True)
    renditions = ma.fields.List(ma.fields.Nested(RenditionSchema), required=True)
    published_at = ma.fields.DateTime(allow_none=True)


class ContentMediaStatusSchema(CamelSchema):
    content_id = ma.fields.Integer(required=True)
    assets = ma.fields.List(ma.fields.Nested(AssetSchema), required=True)
    jobs = ma.fields.List(ma.fields.Nested(JobSchema), required=True)


class SubtitleTrackSchema(CamelSchema):
    language = ma.fields.String(required=True)
    label = ma.fields.String(required=True)
    url = ma.fields.String(required=True, metadata={"description": "The WebVTT file (signed)"})
    playlist = ma.fields.String(required=True, metadata={"description": "Its HLS media playlist (signed)"})


class StreamSchema(CamelSchema):
    content_id = ma.fields.Integer(required=True)
    episode_id = ma.fields.Integer(allow_none=True)
    asset_id = ma.fields.Integer(required=True)
    type = ma.fields.String(required=True, metadata={"enum": ["hls"]})
    url = ma.fields.String(required=True, metadata={"description": "The signed master playlist"})
    expires_at = ma.fields.Integer(required=True, metadata={"description": "When the URLs stop working "
                                                                            "(epoch seconds)"})
    duration = ma.fields.Float(required=True)
    renditions = ma.fields.List(ma.fields.Nested(RenditionSchema), required=True)
    subtitles = ma.fields.List(ma.fields.Nested(SubtitleTrackSchema), required=True)
    thumbnails = ma.fields.String(allow_none=True, metadata={
        "description": "A WebVTT thumbnails track for scrub previews (sprite tiles, signed)"})
    poster = ma.fields.String(allow_none=True, metadata={"description": "A poster frame (JPEG, signed)"})
    resume_position = ma.fields.Float(required=True)


class StreamArgsSchema(CamelSchema):
    episode_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=MAX_DB_INT),
                                   metadata={"description": "The episode, for a series"})


class VideoFileSchema(ma.Schema):
    video = Upload(required=True, metadata={"description": "The video file (any container FFmpeg reads)"})


class ContentUploadFormSchema(CamelSchema):
    """The title's metadata as one JSON field (``metadata``) or as plain form fields."""

    class Meta:
        unknown = ma.INCLUDE

    metadata = Text(metadata={"description": "The title as JSON, as POST /api/v1/content takes it"})


class TranscodeSchema(CamelSchema):
    content_id = db_id(required=True)
    episode_id = db_id(allow_none=True)


class JobListArgsSchema(CamelSchema):
    state = ma.fields.String(validate=ma.validate.OneOf(JOB_STATES))
    limit = ma.fields.Integer(load_default=50, validate=ma.validate.Range(min=1, max=200))


class AttachUploadSchema(TranscodeSchema):
    """The title a finished tus upload becomes the video of."""


class SubtitleSchema(CamelSchema):
    language = ma.fields.String(required=True)
    label = ma.fields.String(required=True)


class SubtitleFormSchema(CamelSchema):
    language = Text(required=True, max_length=12, metadata={"description": "A language tag: en, pt-BR, ..."})
    label = Text(max_length=60, metadata={"description": "What players show (default: the language)"})


class SubtitleFileSchema(ma.Schema):
    file = Upload(required=True, metadata={"description": "SubRip (.srt) or WebVTT, UTF-8, UTF-16 or Windows-1252"})
