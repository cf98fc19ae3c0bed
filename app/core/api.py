"""flask-smorest's Api, taught to speak the Marquee error envelope and to document it honestly."""
from __future__ import annotations

from http import HTTPStatus

from apispec import BasePlugin
from flask_smorest import Api

from app.core.schemas import ErrorEnvelopeSchema

_BODY_METHODS = ("post", "put", "patch")
# flask-smorest registers one response component per HTTPStatus member, named as this Python
# names it (413 is CONTENT_TOO_LARGE from 3.13 on), so the names are looked up, not spelt.
_BAD_JSON, _TOO_MANY, _TOO_LARGE, _BAD_TYPE, _UNAVAILABLE = (HTTPStatus(code).name
                                                             for code in (400, 429, 413, 415, 503))


class ContractResponsesPlugin(BasePlugin):
    """Documents the errors that the shared plumbing can answer on any route of a kind.

    flask-smorest's catch-all ``default`` response is switched off (it would make every status
    "documented" and hide drift from the fuzz test), so what request_context and the limiter
    add to every /api route is written down here, once, instead of in each view.
    """

    def operation_helper(self, path=None, operations=None, **kwargs):
        if not path or not path.startswith("/api/"):
            return  # ops endpoints (/health, /metrics, docs) are exempt from limits and body checks
        for method, operation in (operations or {}).items():
            responses = operation.setdefault("responses", {})
            responses.setdefault("429", _TOO_MANY)  # the client budget (RATE_LIMIT_DEFAULT) covers every /api route
            responses.setdefault("503", _UNAVAILABLE)  # Redis down where it holds the state (app/core/outage.py)
            if method in _BODY_METHODS:
                # request_context refuses any body that is too large or not JSON, on every
                # POST/PUT/PATCH under /api, whether or not the route reads a body
                responses.setdefault("413", _TOO_LARGE)  # MAX_CONTENT_LENGTH
                responses.setdefault("415", _BAD_TYPE)
                if "requestBody" in operation:
                    responses.setdefault("400", _BAD_JSON)  # a body that does not parse as JSON


class MarqueeApi(Api):
    ERROR_SCHEMA = ErrorEnvelopeSchema
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _init_spec(self, *, extra_plugins=None, **kwargs):
        super()._init_spec(extra_plugins=[*(extra_plugins or ()), ContractResponsesPlugin()], **kwargs)

    def handle_http_exception(self, error):
        from app.errors import handle_http_exception

        return handle_http_exception(error)
