"""flask-smorest's Api, taught to speak the Marquee error envelope and to document it honestly."""
from __future__ import annotations

from http import HTTPStatus

import marshmallow as ma
from apispec import BasePlugin
from flask_smorest import Api, Blueprint

from app.core.schemas import NO_NUL_PATTERN, ErrorEnvelopeSchema, OneOfNested, refuse_nul
from app.errors import handle_http_exception

_BODY_METHODS = ("post", "put", "patch")
# flask-smorest registers one response component per HTTPStatus member, named as this Python
# names it (413 is CONTENT_TOO_LARGE from 3.13 on), so the names are looked up, not spelt.
_BAD_JSON, _TOO_MANY, _TOO_LARGE, _BAD_TYPE, _UNAVAILABLE = (HTTPStatus(code).name
                                                             for code in (400, 429, 413, 415, 503))


# what the limiter exempts (app/ops, the docs, the demo page); every other route counts
_UNLIMITED_PATHS = ("/health", "/metrics", "/docs", "/openapi.json", "/monitoring/dashboard", "/watch-together/demo")


class ContractResponsesPlugin(BasePlugin):
    """Documents the errors that the shared plumbing can answer on any route of a kind.

    flask-smorest's catch-all ``default`` response is switched off (it would make every status
    "documented" and hide drift from the fuzz test), so what request_context and the limiter
    add to every /api route is written down here, once, instead of in each view.
    """

    def operation_helper(self, path=None, operations=None, **kwargs):
        for method, operation in (operations or {}).items():
            rules = operation.get("x-crossFieldRules")
            if rules:
                listed = "; ".join(f"`{name}`: {rule}" for name, rule in rules.items())
                operation["description"] = f"{operation.get('description', '')}\n\nRules across fields: {listed}".strip()
            if method in _BODY_METHODS and "requestBody" in operation:
                # every JSON body, on any path, is parsed strictly first (request_context)
                operation.setdefault("responses", {}).setdefault("400", _BAD_JSON)
        if not path or path.startswith(_UNLIMITED_PATHS):
            return  # ops endpoints (/health, /metrics, docs) are exempt from limits and body checks
        for method, operation in (operations or {}).items():
            responses = operation.setdefault("responses", {})
            # the client budget (RATE_LIMIT_DEFAULT) covers every route but the ops ones, the
            # seeds' paths outside /api included
            responses.setdefault("429", _TOO_MANY)
            responses.setdefault("503", _UNAVAILABLE)  # Redis down where it holds the state (app/core/outage.py)
            if method in _BODY_METHODS and path.startswith("/api/"):
                # request_context refuses any body that is too large or not JSON, on every
                # POST/PUT/PATCH under /api, whether or not the route reads a body
                responses.setdefault("413", _TOO_LARGE)  # MAX_CONTENT_LENGTH
                responses.setdefault("415", _BAD_TYPE)
                if "requestBody" in operation:
                    responses.setdefault("400", _BAD_JSON)  # a body that does not parse as JSON


class AtLeastOneField:
    """Mixin for PATCH bodies: an empty body is refused, and the document says so (minProperties)."""

    @ma.validates_schema
    def _at_least_one_field(self, data, **kwargs):
        if not data:
            raise ma.ValidationError("Send at least one field to change", field_name="_schema")


def _contract_attributes(self, field, ret=None, **kwargs) -> dict:
    """Field constraints the server enforces that apispec leaves out of the document."""
    if isinstance(field, OneOfNested):
        return {"oneOf": [self.resolve_nested_schema(schema) for schema in field.schemas]}
    if isinstance(field, ma.fields.Url) or any(isinstance(v, ma.validate.URL) for v in field.validators):
        # what marshmallow's URL validator takes (any port, no query pattern) no pattern states,
        # so a document built on it would lie one way or the other
        raise TypeError(f"{field.name}: use app.core.schemas.HttpUrl, whose pattern is the server's rule")
    if "pattern" in (ret or {}) or "pattern" in field.metadata:
        return {}
    if isinstance(field, ma.fields.String) and refuse_nul in field.validators:
        return {"pattern": NO_NUL_PATTERN}
    return {}


class SchemaRulesPlugin(BasePlugin):
    """A PATCH schema that needs one field says ``minProperties: 1``."""

    def schema_helper(self, name, definition, **kwargs):
        schema = kwargs.get("schema")
        cls = schema if isinstance(schema, type) else type(schema)
        if isinstance(cls, type) and issubclass(cls, AtLeastOneField):
            return {"minProperties": 1}
        return None


_doc = Blueprint("_contract_doc", __name__)  # only used for its documentation decorator


def cross_field_rules(**rules: str):
    """Document rules JSON Schema cannot state (one field depending on another, or on the path).

    Written into the operation as ``x-crossFieldRules`` ({wireName: rule}) and its description; a
    422 naming only these fields is the server keeping a documented promise (tests/test_fuzz.py).
    """
    return _doc.doc(**{"x-crossFieldRules": dict(rules)})


class MarqueeApi(Api):
    ERROR_SCHEMA = ErrorEnvelopeSchema
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _init_spec(self, *, extra_plugins=None, **kwargs):
        super()._init_spec(extra_plugins=[*(extra_plugins or ()), ContractResponsesPlugin(), SchemaRulesPlugin()],
                           **kwargs)
        self.ma_plugin.converter.add_attribute_function(_contract_attributes)

    def document_settings(self, app, limits) -> None:
        """Write limits read from settings into the document: ``[(component, property, keyword, setting)]``."""
        schemas = self.spec.components.schemas
        for component, prop, keyword, setting in limits:
            definition = schemas.get(component, {}).get("properties", {}).get(prop)
            if definition is None:
                raise LookupError(f"the document has no {component}.{prop} to limit by {setting}")
            definition[keyword] = app.config[setting]

    def handle_http_exception(self, error):
        return handle_http_exception(error)
