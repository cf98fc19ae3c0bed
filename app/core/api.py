"""flask-smorest's Api, taught to speak the Marquee error envelope."""
from __future__ import annotations

from flask_smorest import Api

from app.core.schemas import ErrorEnvelopeSchema


class MarqueeApi(Api):
    ERROR_SCHEMA = ErrorEnvelopeSchema

    def handle_http_exception(self, error):
        from app.errors import handle_http_exception

        return handle_http_exception(error)
