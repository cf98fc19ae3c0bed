"""Base marshmallow schemas: camelCase on the wire, snake_case in Python."""
from __future__ import annotations

import marshmallow as ma


def camelize(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


class CamelSchema(ma.Schema):
    """Every field's wire name is the camelCase of its attribute; unknown input keys are refused."""

    class Meta:
        unknown = ma.RAISE

    def on_bind_field(self, field_name: str, field_obj: ma.fields.Field) -> None:
        field_obj.data_key = camelize(field_obj.data_key or field_name)


class ErrorDetailSchema(ma.Schema):
    code = ma.fields.String(required=True, metadata={"description": "Machine-readable error code, e.g. VALIDATION_ERROR"})
    message = ma.fields.String(required=True)
    details = ma.fields.Raw(allow_none=True, metadata={"description": "For validation errors: {fields: {name: [messages]}}"})


class ErrorEnvelopeSchema(ma.Schema):
    success = ma.fields.Boolean(required=True, metadata={"enum": [False]})
    error = ma.fields.Nested(ErrorDetailSchema, required=True)
    timestamp = ma.fields.String(required=True)
    requestId = ma.fields.String(allow_none=True)


class PaginationMetaSchema(ma.Schema):
    page = ma.fields.Integer(required=True)
    perPage = ma.fields.Integer(required=True)
    total = ma.fields.Integer(required=True)
    pages = ma.fields.Integer(required=True)
