"""URL converters shared by routes: the one place a path segment becomes an id.

``<int:...>`` is an integer id that fits the database's integer column (``MAX_DB_INT``, what
PostgreSQL's ``integer`` holds); a larger one (SQLite raised ``OverflowError`` past 64 bits,
PostgreSQL refuses past 32) matches no rule, so it is a 404 on either back end before any view
or query sees it, and the OpenAPI document states the same ``maximum``. Only ASCII digits count:
Python's ``\\d`` also matches other scripts' digits, which ``int()`` would quietly read.

``<rid:...>`` is a resource id that is never one of the words used as sibling path segments
(``/providers/check`` beside ``/providers/<id>``), so each URL matches one rule and the
``Allow`` header names only the methods that URL really has.
"""
from __future__ import annotations

import builtins

from werkzeug.routing import BaseConverter, IntegerConverter

from app.core.schemas import MAX_DB_INT

RESERVED_SEGMENTS = ("check", "status", "best", "list")


class DatabaseIdConverter(IntegerConverter):
    """``<int:name>`` for every route: unsigned, ASCII digits, at most ``MAX_DB_INT``."""

    regex = r"[0-9]+"

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None,
                 signed: bool = False) -> None:
        # werkzeug passes a rule's arguments by these names (``<int(max=9):n>``), which shadow the builtins
        super().__init__(map, fixed_digits, min, MAX_DB_INT if max is None else builtins.min(max, MAX_DB_INT), signed)


class ResourceIdConverter(BaseConverter):
    regex = r"(?!(?:" + "|".join(RESERVED_SEGMENTS) + r")(?:/|$))[^/]{1,64}"


def resource_id_schema(converter) -> dict:
    # the document says what the rule says: an id is never a reserved word, so a client (or a
    # fuzzer) generating ids from the pattern never lands on the sibling route the word names
    reserved = "|".join(RESERVED_SEGMENTS)
    return {"type": "string", "pattern": rf"^(?!(?:{reserved})$)[A-Za-z0-9][A-Za-z0-9-]{{0,63}}$"}


def register_converters(app, api) -> None:
    """Before any rule exists: ``int`` is replaced for every blueprint, so no route can forget it."""
    app.url_map.converters["int"] = DatabaseIdConverter
    app.url_map.converters["rid"] = ResourceIdConverter
    # flask-smorest documents any IntegerConverter subclass with its min and max: no mapping needed
    api.register_converter(ResourceIdConverter, resource_id_schema)
