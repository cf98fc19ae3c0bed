"""Users-domain schemas: profile, preferences, favorites."""
from __future__ import annotations

import marshmallow as ma

from app.catalog.schemas import LANGUAGE, RATINGS, ContentCardSchema, Text, db_id
from app.core.api import AtLeastOneField
from app.core.identity import TIERS
from app.core.schemas import CamelSchema, HttpUrl


class PreferencesSchema(CamelSchema):
    language = Text(validate=LANGUAGE)
    subtitle_language = Text(allow_none=True, validate=LANGUAGE)
    autoplay_next_episode = ma.fields.Boolean()
    maturity_limit = Text(allow_none=True, validate=ma.validate.OneOf(RATINGS))
    favorite_genres = ma.fields.List(Text(validate=ma.validate.Length(min=1, max=60)),
                                     validate=ma.validate.Length(max=10), metadata={
                                         "description": "Genre slugs; they seed recommendations before any viewing"})


class ProfileSchema(CamelSchema):
    id = ma.fields.Integer(required=True)
    email = ma.fields.String(allow_none=True)
    display_name = ma.fields.String(required=True)
    avatar_url = ma.fields.String(allow_none=True)
    role = ma.fields.String(required=True)
    subscription_tier = ma.fields.String(required=True, metadata={"enum": list(TIERS)})
    preferences = ma.fields.Dict(required=True, metadata={"description": "language, subtitleLanguage, "
                                                                         "autoplayNextEpisode, maturityLimit, "
                                                                         "favoriteGenres"})
    created_at = ma.fields.DateTime(required=True)


class ProfilePatchSchema(AtLeastOneField, CamelSchema):
    display_name = Text(min_length=1, max_length=100)
    avatar_url = HttpUrl(allow_none=True)
    preferences = ma.fields.Nested(PreferencesSchema)
    subscription_tier = Text(validate=ma.validate.OneOf(TIERS), metadata={"description": "Admins only"})


class FavoriteBodySchema(CamelSchema):
    content_id = db_id(required=True)


class FavoriteSchema(CamelSchema):
    content_id = ma.fields.Integer(required=True)
    created_at = ma.fields.DateTime(required=True)
    content = ma.fields.Nested(ContentCardSchema, allow_none=True)
