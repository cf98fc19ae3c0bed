"""URL converters shared by routes.

``<rid:...>`` is a resource id that is never one of the words used as sibling path segments
(``/providers/check`` beside ``/providers/<id>``), so each URL matches one rule and the
``Allow`` header names only the methods that URL really has.
"""
from __future__ import annotations

from werkzeug.routing import BaseConverter

RESERVED_SEGMENTS = ("check", "status", "best", "list")


class ResourceIdConverter(BaseConverter):
    regex = r"(?!(?:" + "|".join(RESERVED_SEGMENTS) + r")(?:/|$))[^/]{1,64}"


def resource_id_schema(converter) -> dict:
    # the reserved words are left out of the document on purpose: listed as "not" values, a
    # fuzzer sends them and reaches the sibling route they name, which is correct behaviour
    return {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9-]{0,63}$"}


def register_converters(app, api) -> None:
    app.url_map.converters["rid"] = ResourceIdConverter
    api.register_converter(ResourceIdConverter, resource_id_schema)
