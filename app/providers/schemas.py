"""Wire shapes of the providers API.

Embeds and statuses are built as camelCase dicts by the service (``build_embed`` is called by
other domains with that shape), so their schemas name the wire keys directly.
"""
from __future__ import annotations

import marshmallow as ma

from app.core.api import AtLeastOneField
from app.core.schemas import CamelSchema, WholeMatch
from app.providers.health import STATUSES
from app.providers.registry import PROVIDER_ID, RESERVED_IDS

MEDIA_ID_DOC = {"description": "TMDB numeric id or IMDb id (tt...)", "example": "550",
                "pattern": r"^(?:\d{1,10}|tt\d{5,10})$"}
TV_RULES = {"season": "required when type=tv", "episode": "required when type=tv"}


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
_HOST = r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,40}[A-Za-z0-9])?(?::[1-9][0-9]{0,3})?"
_SEGMENT = r"(?:[A-Za-z0-9._~/-]|\{(?:id|season|episode)\})"
BASE_URL_DOC = {"pattern": rf"^https://{_HOST}(?:/[A-Za-z0-9._~-]*)*$", "example": "https://player.example"}
HEALTH_URL_DOC = {"pattern": rf"^https?://{_HOST}(?:/[A-Za-z0-9._~-]*)*$"}


def _template_doc(example: str) -> dict:
    return {"pattern": rf"^https://{_HOST}/{_SEGMENT}*\{{id\}}{_SEGMENT}*$", "example": example,
            "description": "an https URL on the baseUrl's host; {id}, {season}, {episode} only in the path"}


MOVIE_TEMPLATE_DOC = _template_doc("https://player.example/movie/{id}")
TV_TEMPLATE_DOC = _template_doc("https://player.example/tv/{id}/{season}/{episode}")
# The server calls baseUrl (or healthUrl) for health checks, so it refuses to store one it will
# never call (app/core/addresses.py): a rule of the address, which JSON Schema cannot state.
ADDRESS_RULE = ("the host must not be, or resolve to, a metadata, link-local or unspecified address; loopback and "
                "private addresses, and names that do not resolve, only where ALLOW_PRIVATE_TARGETS is on")
# the rules of a definition across its fields (and of its URLs' addresses), listed on POST and PATCH
TEMPLATE_RULES = {"movieTemplate": "must be on the host of baseUrl (the provider's current one on PATCH)",
                  "tvTemplate": "must be on the host of baseUrl (the provider's current one on PATCH)",
                  "baseUrl": ADDRESS_RULE, "healthUrl": ADDRESS_RULE}
_TEXT = ma.validate.Length(min=1, max=100)
# the reserved words are path segments of the API (/providers/status/...), refused by the service
PROVIDER_ID_DOC = {"pattern": rf"^(?!(?:{'|'.join(sorted(RESERVED_IDS))})$){PROVIDER_ID.pattern[1:]}",
                   "description": f"not one of the reserved words {', '.join(sorted(RESERVED_IDS))}"}


class ProviderCreateSchema(CamelSchema):
    id = ma.fields.String(required=True, validate=WholeMatch(PROVIDER_ID, error="lower-case letters, digits "
                                                                     "and dashes, 2 to 32 characters"),
                          metadata=PROVIDER_ID_DOC)
    name = ma.fields.String(required=True, validate=_TEXT)
    base_url = ma.fields.String(required=True, validate=_URL, metadata=BASE_URL_DOC)
    movie_template = ma.fields.String(required=True, validate=_URL, metadata=MOVIE_TEMPLATE_DOC)
    tv_template = ma.fields.String(required=True, validate=_URL, metadata=TV_TEMPLATE_DOC)
    health_url = ma.fields.String(load_default=None, allow_none=True, validate=_URL, metadata=HEALTH_URL_DOC)
    enabled = ma.fields.Boolean(load_default=True)
    priority = ma.fields.Integer(load_default=100, validate=ma.validate.Range(min=0, max=10_000))


class ProviderUpdateSchema(AtLeastOneField, CamelSchema):

    name = ma.fields.String(validate=_TEXT)
    base_url = ma.fields.String(validate=_URL, metadata=BASE_URL_DOC)
    movie_template = ma.fields.String(validate=_URL, metadata=MOVIE_TEMPLATE_DOC)
    tv_template = ma.fields.String(validate=_URL, metadata=TV_TEMPLATE_DOC)
    health_url = ma.fields.String(allow_none=True, validate=_URL, metadata=HEALTH_URL_DOC)
    enabled = ma.fields.Boolean()
    priority = ma.fields.Integer(validate=ma.validate.Range(min=0, max=10_000))


class ProviderCheckTaskSchema(CamelSchema):
    task_id = ma.fields.String(required=True)
    queue = ma.fields.String(required=True)
