"""Catalog request and response schemas."""
from __future__ import annotations

import marshmallow as ma

from app.catalog.maturity import KINDS, RATINGS, SORTS, STATUSES
from app.core.identity import TIERS
from app.core.pagination import PaginationArgsSchema
from app.core.schemas import MAX_DB_INT, CamelSchema, HttpUrl, WholeMatch



class Text(ma.fields.String):
    """A string with an optional length limit (NUL is refused by every CamelSchema text field)."""

    def __init__(self, *args, max_length: int | None = None, min_length: int | None = None, **kwargs):
        validators = []
        if max_length is not None or min_length is not None:
            validators.append(ma.validate.Length(min=min_length, max=max_length))
        extra = kwargs.pop("validate", None)
        if extra is not None:
            validators.extend(extra if isinstance(extra, list) else [extra])
        super().__init__(*args, validate=validators, **kwargs)


def db_id(**kwargs) -> ma.fields.Integer:
    return ma.fields.Integer(strict=True, validate=ma.validate.Range(min=1, max=MAX_DB_INT), **kwargs)


LANGUAGE = WholeMatch(r"^[a-z]{2,3}$", error="Must be an ISO 639 language code such as 'en'")


# ---- query arguments -------------------------------------------------------------------

# One name per concept on the wire: a title's ``kind`` and ``tierRequired`` are spelt the same in
# filters, bodies and responses. The list filters once said ``type`` and ``tier``; clients that
# still send those are answered the same (documented as deprecated aliases).
FILTER_ALIASES = {"type": "kind", "tier": "tier_required"}


class ContentFilterArgsSchema(PaginationArgsSchema):
    kind = Text(validate=ma.validate.OneOf(KINDS))
    type = Text(validate=ma.validate.OneOf(KINDS), metadata={"deprecated": True, "description": "Alias of kind"})
    genre = ma.fields.List(Text(max_length=60), metadata={"description": "Genre slug; repeat or comma-separate"})
    year_from = ma.fields.Integer(validate=ma.validate.Range(min=1870, max=2100))
    year_to = ma.fields.Integer(validate=ma.validate.Range(min=1870, max=2100))
    min_rating = ma.fields.Float(validate=ma.validate.Range(min=0, max=10))
    tier_required = Text(validate=ma.validate.OneOf(TIERS), metadata={"description": "The tier a title needs"})
    tier = Text(validate=ma.validate.OneOf(TIERS), metadata={"deprecated": True, "description": "Alias of tierRequired"})
    language = Text(validate=LANGUAGE)
    status = Text(validate=ma.validate.OneOf(STATUSES), metadata={"description": "Admins only"})

    @ma.validates_schema
    def _years_in_order(self, data, **_):
        if data.get("year_from") and data.get("year_to") and data["year_from"] > data["year_to"]:
            raise ma.ValidationError("yearFrom must not be after yearTo", "yearFrom")

    @ma.validates_schema
    def _aliases_agree(self, data, **_):
        for alias, name in FILTER_ALIASES.items():
            if data.get(alias) is not None and data.get(name) is not None and data[alias] != data[name]:
                raise ma.ValidationError(f"{alias} is an alias of {self.fields[name].data_key} and says otherwise",
                                         alias)

    @ma.post_load
    def _canonical_names(self, data, **_):
        for alias, name in FILTER_ALIASES.items():
            value = data.pop(alias, None)
            if value is not None and data.get(name) is None:
                data[name] = value
        return data


class ContentListArgsSchema(ContentFilterArgsSchema):
    sort = Text(load_default="newest", validate=ma.validate.OneOf(SORTS))


class ContentSearchArgsSchema(ContentFilterArgsSchema):
    q = Text(required=True, min_length=1, max_length=200)


class SourcesArgsSchema(CamelSchema):
    season = ma.fields.Integer(validate=ma.validate.Range(min=0, max=10000))
    episode = ma.fields.Integer(validate=ma.validate.Range(min=0, max=10000))


# ---- responses -------------------------------------------------------------------------

class CreditSchema(CamelSchema):
    name = Text(required=True, min_length=1, max_length=200)
    role = Text(required=True, validate=ma.validate.OneOf(("actor", "director", "writer", "creator", "producer")))
    character = Text(allow_none=True, max_length=200)


class EpisodeSchema(CamelSchema):
    id = ma.fields.Integer(dump_only=True)
    season_id = ma.fields.Integer(dump_only=True)
    content_id = ma.fields.Integer(dump_only=True)
    season_number = ma.fields.Integer(dump_only=True)
    number = ma.fields.Integer(required=True, validate=ma.validate.Range(min=0, max=10000))
    title = Text(required=True, min_length=1, max_length=300)
    synopsis = Text(load_default="", max_length=5000)
    runtime_minutes = ma.fields.Integer(allow_none=True, validate=ma.validate.Range(min=1, max=1000))
    air_date = ma.fields.Date(allow_none=True)
    still_url = HttpUrl(allow_none=True)
    tmdb_id = ma.fields.Integer(allow_none=True, validate=ma.validate.Range(min=1, max=MAX_DB_INT))
    imdb_id = Text(allow_none=True, validate=WholeMatch(r"^tt\d{5,10}$"))


class SeasonUpdateSchema(CamelSchema):
    """A season's own fields (PUT); its episodes change under their own routes."""

    id = ma.fields.Integer(dump_only=True)
    content_id = ma.fields.Integer(dump_only=True)
    number = ma.fields.Integer(required=True, validate=ma.validate.Range(min=0, max=10000))
    title = Text(load_default="", max_length=300)
    synopsis = Text(load_default="", max_length=5000)
    release_year = ma.fields.Integer(allow_none=True, validate=ma.validate.Range(min=1870, max=2100))
    poster_url = HttpUrl(allow_none=True)


class SeasonSchema(SeasonUpdateSchema):
    """A season with its episodes: served, and taken when the season is created."""

    episodes = ma.fields.List(ma.fields.Nested(EpisodeSchema), load_default=list)


class ContentCardSchema(CamelSchema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True, metadata={"enum": list(KINDS)})
    title = ma.fields.String(required=True)
    slug = ma.fields.String(required=True)
    release_year = ma.fields.Integer(allow_none=True)
    runtime_minutes = ma.fields.Integer(allow_none=True)
    maturity_rating = ma.fields.String(required=True)
    original_language = ma.fields.String(required=True)
    genres = ma.fields.List(ma.fields.String(), required=True)
    poster_url = ma.fields.String(allow_none=True)
    backdrop_url = ma.fields.String(allow_none=True)
    tier_required = ma.fields.String(required=True, metadata={"enum": list(TIERS)})
    status = ma.fields.String(required=True)
    view_count = ma.fields.Integer(required=True)
    average_rating = ma.fields.Float(required=True)


class ContentSchema(ContentCardSchema):
    synopsis = ma.fields.String(required=True)
    tmdb_id = ma.fields.Integer(allow_none=True)
    imdb_id = ma.fields.String(allow_none=True)
    cast = ma.fields.List(ma.fields.Nested(CreditSchema), required=True)
    seasons = ma.fields.List(ma.fields.Nested(SeasonSchema), metadata={"description": "Series only"})
    created_at = ma.fields.DateTime(required=True)
    updated_at = ma.fields.DateTime(required=True)


class SourceSchema(CamelSchema):
    """A provider embed as the providers service builds it (its keys are already camelCase)."""

    provider_id = ma.fields.String(required=True, attribute="providerId")
    name = ma.fields.String(required=True)
    media_id = ma.fields.String(required=True, attribute="mediaId")
    type = ma.fields.String(required=True)
    season = ma.fields.Integer(allow_none=True)
    episode = ma.fields.Integer(allow_none=True)
    embed_url = ma.fields.String(required=True, attribute="embedUrl")
    iframe = ma.fields.String(required=True)


class HomeCardSchema(ContentCardSchema):
    """A card; in "Continue watching" it also says where to resume."""

    episode = ma.fields.Nested(EpisodeSchema, allow_none=True)
    resume_position = ma.fields.Float()
    progress_percent = ma.fields.Float()
    entry_kind = ma.fields.String(metadata={"enum": ["resume", "next-up"]})


class HomeRowSchema(CamelSchema):
    id = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    items = ma.fields.List(ma.fields.Nested(HomeCardSchema), required=True)


class HomeSchema(CamelSchema):
    rows = ma.fields.List(ma.fields.Nested(HomeRowSchema), required=True)


# ---- admin writes ----------------------------------------------------------------------

class ContentUpdateSchema(CamelSchema):
    """A title's own fields (PUT replaces them); its seasons change under /content/{id}/seasons."""

    kind = Text(required=True, validate=ma.validate.OneOf(KINDS))
    title = Text(required=True, min_length=1, max_length=300)
    slug = Text(validate=WholeMatch(r"^[a-z0-9]+(?:-[a-z0-9]+)*$"), max_length=320)
    synopsis = Text(load_default="", max_length=5000)
    release_year = ma.fields.Integer(allow_none=True, validate=ma.validate.Range(min=1870, max=2100))
    runtime_minutes = ma.fields.Integer(allow_none=True, validate=ma.validate.Range(min=1, max=1000))
    maturity_rating = Text(required=True, validate=ma.validate.OneOf(RATINGS))
    original_language = Text(load_default="en", validate=LANGUAGE)
    genres = ma.fields.List(Text(min_length=1, max_length=60, validate=WholeMatch(r"^[^|\x00]+$")),
                            load_default=list,
                            validate=ma.validate.Length(max=20))
    cast = ma.fields.List(ma.fields.Nested(CreditSchema), load_default=list, validate=ma.validate.Length(max=200))
    poster_url = HttpUrl(allow_none=True)
    backdrop_url = HttpUrl(allow_none=True)
    tmdb_id = ma.fields.Integer(allow_none=True, validate=ma.validate.Range(min=1, max=MAX_DB_INT))
    imdb_id = Text(allow_none=True, validate=WholeMatch(r"^tt\d{5,10}$"))
    tier_required = Text(load_default="free", validate=ma.validate.OneOf(TIERS))
    status = Text(load_default="draft", validate=ma.validate.OneOf(STATUSES))
    average_rating = ma.fields.Float(load_default=0.0, validate=ma.validate.Range(min=0, max=10))


class ContentWriteSchema(ContentUpdateSchema):
    """A new title: a series may bring its seasons and their episodes."""

    seasons = ma.fields.List(ma.fields.Nested(SeasonSchema), load_only=True, validate=ma.validate.Length(max=100),
                             metadata={"description": "Series only: seasons with their episodes"})


class ContentPatchSchema(ContentUpdateSchema):
    """Every field optional; only those sent change."""


class SeasonPatchSchema(SeasonUpdateSchema):
    """Every field optional; only those sent change."""


class EpisodePatchSchema(EpisodeSchema):
    pass
