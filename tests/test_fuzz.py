"""Every operation of /openapi.json, fuzzed by schemathesis as three callers.

For each operation and each caller (anonymous, a user, an admin) schemathesis generates valid
and invalid requests and checks that no response is a 5xx and that every response keeps the
promise the spec makes for it: the status is documented, the body matches the documented
schema, the content type is the documented one. The operations come from the spec itself, so
a domain merged later is fuzzed without touching this file; a failure is reported under the
per caller, with one section per broken operation headed ``=== <METHOD> <path> (as <caller>) ===``.

Rate limits: the spec documents 429 on every /api route (it can happen to any client), but a
fuzzer sending hundreds of requests from one address would otherwise be answered 429 within a
second and never reach a handler again. The counters are therefore reset before every request
(the limiter's own ``reset``), so each example exercises the real route, limiter included.

``FUZZ_MAX_EXAMPLES`` (default 12) bounds the examples per operation and caller.
Every operation is fuzzed even after one fails, so a run lists everything that is broken.
"""
from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "12"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="session")
def fuzz_schema(app):
    return schemathesis.openapi.from_wsgi("/openapi.json", app)


def _operations(fuzz_schema):
    operations = []
    for result in fuzz_schema.get_all_operations():
        operations.append(result.ok())  # an operation schemathesis cannot read is itself a spec bug
    assert operations, "the spec documents no operation"
    return operations


def _fuzz(operation, app, headers: dict) -> None:
    """Positive and negative examples for one operation; raises the first broken promise."""
    from app.extensions import limiter

    strategy = st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                         operation.as_strategy(GenerationMode.NEGATIVE))

    @given(case=strategy)
    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None, print_blob=False,
              suppress_health_check=list(HealthCheck))
    def run(case):
        with app.app_context():
            limiter.reset()
        # identity: the WSGI client does not decode br/gzip, and any JSON body past
        # COMPRESS_MIN_SIZE (e.g. a list of rooms the fuzzer itself created) would be compressed
        case.call_and_validate(headers={**headers, "Accept-Encoding": "identity"}, checks=CHECKS)

    run()


@pytest.mark.parametrize("role", ["anonymous", "user", "admin"])
def test_every_operation_keeps_its_contract(role, app, fuzz_schema, make_user, auth_headers):
    headers = {} if role == "anonymous" else auth_headers(make_user(role=role))
    broken: dict[str, str] = {}
    for operation in _operations(fuzz_schema):
        try:
            _fuzz(operation, app, headers)
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis groups failures in a BaseExceptionGroup
            broken[operation.label] = f"{type(exc).__name__}: {exc}"
    report = "\n\n".join(f"=== {label} (as {role}) ===\n{problem}" for label, problem in broken.items())
    assert not broken, f"{len(broken)} operation(s) break their documented contract as {role}:\n\n{report}"
