"""Auth request and response schemas."""
from __future__ import annotations

import marshmallow as ma

from app.core.schemas import CamelSchema, EmailAddress


class UserSchema(CamelSchema):
    id = ma.fields.Integer(required=True)
    uid = ma.fields.String(required=True)
    email = ma.fields.String(allow_none=True)
    display_name = ma.fields.String(required=True)
    avatar_url = ma.fields.String(allow_none=True)
    role = ma.fields.String(required=True, metadata={"enum": ["user", "admin"]})
    subscription_tier = ma.fields.String(required=True, metadata={"enum": ["free", "premium", "family"]})
    preferences = ma.fields.Dict(required=True)
    auth_provider = ma.fields.String(required=True)
    created_at = ma.fields.DateTime(required=True)
    updated_at = ma.fields.DateTime(required=True)
    last_login_at = ma.fields.DateTime(allow_none=True)


class RegisterSchema(CamelSchema):
    email = EmailAddress(required=True)
    password = ma.fields.String(required=True, load_only=True, validate=ma.validate.Length(min=1, max=256))
    display_name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))


class LoginSchema(CamelSchema):
    email = EmailAddress(required=True)
    password = ma.fields.String(required=True, load_only=True, validate=ma.validate.Length(min=1, max=256))


class RefreshSchema(CamelSchema):
    refresh_token = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=512))


class SocialLoginSchema(CamelSchema):
    id_token = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=8192))


class TokenBundleSchema(CamelSchema):
    access_token = ma.fields.String(required=True)
    refresh_token = ma.fields.String(allow_none=True)
    expires_in = ma.fields.Integer(allow_none=True)
    token_type = ma.fields.String(required=True)
    user = ma.fields.Nested(UserSchema, required=True)
