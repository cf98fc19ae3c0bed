"""Success envelopes: ``{"success": true, "data": ..., "meta": {...}}``.

Views declare ``@blp.response(200, envelope(ThingSchema))`` and return ``ok(thing)``; lists
use ``page_envelope(ThingSchema)`` and return ``ok(items, meta=page_meta(...))``. Each wrapper
schema is generated once per item schema so the OpenAPI document names it.
"""
from __future__ import annotations

from typing import Any

import marshmallow as ma

from app.core.schemas import PaginationMetaSchema

_cache: dict[tuple, type[ma.Schema]] = {}


def _schema_name(schema: type[ma.Schema] | ma.Schema) -> str:
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__
    return name[:-6] if name.endswith("Schema") else name


def envelope(item_schema: type[ma.Schema] | ma.Schema | None = None, *, many: bool = False, meta: bool = False,
             data_field: ma.fields.Field | None = None,
             meta_schema: type[ma.Schema] = PaginationMetaSchema, name: str | None = None) -> type[ma.Schema]:
    """The envelope schema class wrapping ``item_schema`` (or a raw ``data_field``, then named by
    ``name``); a page's ``meta`` is ``meta_schema`` (page figures, or a schema extending them)."""
    key = (item_schema if isinstance(item_schema, type) or item_schema is None else type(item_schema), many, meta,
           id(data_field) if data_field is not None else None, meta_schema)
    if key in _cache:
        return _cache[key]
    if data_field is None:
        if item_schema is None:
            data_field = ma.fields.Raw(allow_none=True)
        elif many:
            data_field = ma.fields.List(ma.fields.Nested(item_schema), required=True)
        else:
            data_field = ma.fields.Nested(item_schema, required=True)
    attrs = {
        "success": ma.fields.Boolean(required=True, metadata={"enum": [True]}),
        "data": data_field,
        "meta": ma.fields.Nested(meta_schema, required=True) if meta else ma.fields.Dict(),
    }
    base = name or (_schema_name(item_schema) if item_schema is not None else "Raw")
    name = f"{base}{'Page' if meta else 'List' if many else ''}EnvelopeSchema"
    schema_cls = type(name, (ma.Schema,), attrs)
    _cache[key] = schema_cls
    return schema_cls


def page_envelope(item_schema: type[ma.Schema] | ma.Schema,
                  meta_schema: type[ma.Schema] = PaginationMetaSchema) -> type[ma.Schema]:
    return envelope(item_schema, many=True, meta=True, meta_schema=meta_schema)


def ok(data: Any = None, meta: dict | None = None) -> dict:
    body = {"success": True, "data": data}
    if meta is not None:
        body["meta"] = meta
    return body
