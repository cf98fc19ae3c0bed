"""join, leave and sync against their OpenAPI document with schemathesis' own strict checks (no
allowance for documented cross-field rules): valid requests are accepted, invalid ones refused."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    negative_data_rejection, positive_data_acceptance, response_schema_conformance, status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, positive_data_acceptance,
          negative_data_rejection]


@pytest.mark.parametrize("action", ["join", "leave", "sync"])
def test_the_room_bodies_keep_their_document_strictly(app, make_user, auth_headers, action):
    from app.extensions import limiter

    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    chosen = [op for op in operations if op.method.upper() == "POST" and op.path.endswith(f"/{{room_id}}/{action}")]
    assert len(chosen) == 2  # /api/v1/watch-together and /auth/watch-together
    headers = {**auth_headers(make_user()), "Accept-Encoding": "identity"}
    for operation in chosen:
        @given(case=st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                              operation.as_strategy(GenerationMode.NEGATIVE)))
        @settings(max_examples=40, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            with app.app_context():
                limiter.reset()
            case.call_and_validate(headers=headers, checks=CHECKS)

        run()
