"""Wire shapes of the providers API.

Embeds and statuses are built as camelCase dicts by the service (``build_embed`` is called by
other domains with that shape), so their schemas name the wire keys directly.
"""
from __future__ import annotations

import marshmallow as ma

from app.core.schemas import CamelSchema
from app.providers.health import STATUSES
from app.providers.registry import PROVIDER_ID

MEDIA_ID_DOC = {"description": "TMDB numeric id or IMDb id (tt...)", "example": "550"}


class MediaQueryArgsSchema(CamelSchema):
    type = ma.fields.String(load_default="movie", validate=ma.validate.OneOf(["movie", "tv"]))
    season = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=0, max=10_000))
    episode = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=0, max=10_000))


class ProviderListArgsSchema(CamelSchema):
    include_disabled = ma.fields.Boolean(load_default=False)


class StatusCheckSchema(ma.Schema):
    status = ma.fields.String(required=True, metadata={"enum": list(STATUSES)})
    latencyMs = ma.fields.Float(allow_none=True)
    checkedAt = ma.fields.Integer(required=True, metadata={"description": "epoch ms"})


class ProviderStatusSchema(ma.Schema):
    providerId = ma.fields.String(required=True)
    status = ma.fields.String(required=True, metadata={"enum": list(STATUSES)})
    latencyMs = ma.fields.Float(allow_none=True)
    checkedAt = ma.fields.Integer(allow_none=True, metadata={"description": "epoch ms"})
    httpStatus = ma.fields.Integer(allow_none=True)
    error = ma.fields.String(allow_none=True)
    history = ma.fields.List(ma.fields.Nested(StatusCheckSchema))


class ProviderSchema(CamelSchema):
    id = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    base_url = ma.fields.String(required=True)
    movie_template = ma.fields.String(required=True)
    tv_template = ma.fields.String(required=True)
    health_url = ma.fields.String(required=True)
    enabled = ma.fields.Boolean(required=True)
    priority = ma.fields.Integer(required=True, metadata={"description": "lower is preferred"})
    builtin = ma.fields.Boolean(required=True)
    status = ma.fields.Nested(ProviderStatusSchema)


class EmbedSchema(ma.Schema):
    providerId = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    mediaId = ma.fields.String(required=True)
    type = ma.fields.String(required=True, metadata={"enum": ["movie", "tv"]})
    season = ma.fields.Integer(allow_none=True)
    episode = ma.fields.Integer(allow_none=True)
    embedUrl = ma.fields.String(required=True)
    iframe = ma.fields.String(required=True)


class RankedEmbedSchema(EmbedSchema):
    status = ma.fields.String(required=True, metadata={"enum": list(STATUSES)})
    latencyMs = ma.fields.Float(allow_none=True)


class BestProviderSchema(ma.Schema):
    best = ma.fields.Nested(RankedEmbedSchema, required=True)
    alternates = ma.fields.List(ma.fields.Nested(RankedEmbedSchema), required=True)


_URL = ma.validate.Length(min=8, max=500)
_TEXT = ma.validate.Length(min=1, max=100)


class ProviderCreateSchema(CamelSchema):
    id = ma.fields.String(required=True, validate=ma.validate.Regexp(PROVIDER_ID, error="lower-case letters, digits "
                                                                     "and dashes, 2 to 32 characters"))
    name = ma.fields.String(required=True, validate=_TEXT)
    base_url = ma.fields.String(required=True, validate=_URL, metadata={"example": "https://player.example"})
    movie_template = ma.fields.String(required=True, validate=_URL,
                                      metadata={"example": "https://player.example/movie/{id}"})
    tv_template = ma.fields.String(required=True, validate=_URL,
                                   metadata={"example": "https://player.example/tv/{id}/{season}/{episode}"})
    health_url = ma.fields.String(load_default=None, allow_none=True, validate=_URL)
    enabled = ma.fields.Boolean(load_default=True)
    priority = ma.fields.Integer(load_default=100, validate=ma.validate.Range(min=0, max=10_000))


class ProviderUpdateSchema(CamelSchema):
    @ma.validates_schema
    def _not_empty(self, data, **kwargs):
        if not data:
            raise ma.ValidationError("Send at least one field to change", field_name="_schema")

    name = ma.fields.String(validate=_TEXT)
    base_url = ma.fields.String(validate=_URL)
    movie_template = ma.fields.String(validate=_URL)
    tv_template = ma.fields.String(validate=_URL)
    health_url = ma.fields.String(allow_none=True, validate=_URL)
    enabled = ma.fields.Boolean()
    priority = ma.fields.Integer(validate=ma.validate.Range(min=0, max=10_000))


class ProviderCheckTaskSchema(CamelSchema):
    task_id = ma.fields.String(required=True)
    queue = ma.fields.String(required=True)
