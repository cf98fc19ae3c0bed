"""Every operation of /openapi.json, fuzzed by schemathesis as three callers.

For each operation and each caller (anonymous, a user, an admin, a service key) schemathesis
generates valid and invalid requests and checks that no response is a 5xx and that every
response keeps the promise the spec makes for it: the status is documented, the body matches
the documented schema, the content type is the documented one, data valid by the document is
accepted (save rules the operation lists in ``x-crossFieldRules``), data invalid by it is
refused, and every error's ``details`` is an object naming fields by their wire names. The operations come from the spec itself, so
a domain merged later is fuzzed without touching this file; a failure is reported under the
per caller, with one section per broken operation headed ``=== <METHOD> <path> (as <caller>) ===``.

Rate limits: the spec documents 429 on every /api route (it can happen to any client), but a
fuzzer sending hundreds of requests from one address would otherwise be answered 429 within a
second and never reach a handler again. The counters are therefore reset before every request
(the limiter's own ``reset``), so each example exercises the real route, limiter included.

Every check schemathesis has runs, as its CLI's ``--checks all`` does (response headers, 405's
``Allow``, ignored auth, ...). Those that judge the coverage or stateful phases' cases
(missing_required_header, unsupported_method, use_after_free, ensure_resource_availability,
object_level_authorization) pass on these generated cases; the CLI exercises them against a
running server, once per caller, e.g. ``schemathesis run http://127.0.0.1:5000/openapi.json --checks all
-n 20 --seed 17 --max-time 400 -H "x-internal-key: ..."`` with ``[auth] auto-signup = false`` in its
config file (else it signs up and sends a user token beside the caller's credential). It lists a 422
for a rule in ``x-crossFieldRules`` as a rejected valid case; those are promises, not findings.

``FUZZ_MAX_EXAMPLES`` (default 12) bounds the examples per operation and caller.
Every operation is fuzzed even after one fails, so a run lists everything that is broken.
"""
from __future__ import annotations

import os
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS as REGISTERED_CHECKS
from schemathesis.checks import load_all_checks
from schemathesis.specs.openapi.checks import positive_data_acceptance

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "12"))
_WIRE_NAME = re.compile(r"^(?:_schema|[a-z][A-Za-z0-9]*|[0-9]+)(?:\.(?:[a-z][A-Za-z0-9]*|[0-9]+))*$")


def _error_fields(response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    details = (body.get("error") or {}).get("details") if isinstance(body, dict) else None
    fields = details.get("fields") if isinstance(details, dict) else None
    return fields if isinstance(fields, dict) else {}


@schemathesis.check
def valid_data_accepted_unless_a_documented_rule(ctx, response, case):
    """positive_data_acceptance, except a 422 (or a 400 where the rule says so) naming only fields of
    the operation's x-crossFieldRules.

    Those are rules JSON Schema cannot state (yearFrom <= yearTo, roomId equal to the path's, ...);
    the operation documents them, and a generator that knows only the schema breaks them.
    """
    try:
        return positive_data_acceptance(ctx, response, case)
    except AssertionError:
        rules = case.operation.definition.raw.get("x-crossFieldRules") or {}
        fields = set(_error_fields(response))
        # a rule on a field covers what lies inside it too (metadata.title under metadata)
        if response.status_code in (400, 422) and fields and all(
                any(name == rule or name.startswith(f"{rule}.") for rule in rules) for name in fields):
            return None
        raise


@schemathesis.check
def error_details_are_objects_with_wire_names(ctx, response, case):
    """Every error envelope has an object as details, and names fields by their camelCase wire names."""
    if response.status_code < 400 or not response.headers.get("Content-Type", [""])[0].startswith("application/json"):
        return None
    body = response.json()
    if not isinstance(body, dict) or "error" not in body:
        return None
    details = body["error"].get("details")
    if not isinstance(details, dict):
        raise AssertionError(f"error.details is {details!r}, not an object")
    names = list(_error_fields(response))
    if isinstance(details.get("field"), str):
        names.append(details["field"])
    # a key the client sent (unknown field) is echoed as sent; only the names we chose are checked
    sent = set(case.body) if isinstance(case.body, dict) else set()
    sent |= set(case.query or {})
    wrong = [name for name in names if name not in sent and not _WIRE_NAME.match(str(name))]
    if wrong:
        raise AssertionError(f"error fields not in camelCase wire names: {wrong}")
    return None


def _all_checks() -> list:
    """What ``--checks all`` runs (our two checks above are registered too), with positive data
    acceptance replaced by the version that knows x-crossFieldRules."""
    load_all_checks()
    return [check for check in REGISTERED_CHECKS.get_all() if check is not positive_data_acceptance]


CHECKS = _all_checks()


@pytest.fixture(scope="session")
def fuzz_schema(app):
    return schemathesis.openapi.from_wsgi("/openapi.json", app)


@pytest.fixture(scope="module")
def torznab_indexer(app):
    """Torrent search asks the internet's indexers: a local one stands in, so a valid search is
    answered (with no indexer at all, search is honestly a 503)."""
    from tests.support.torznab import TorznabServer, item

    server = TorznabServer({"alpha": [item("Fuzz.Movie.1080p.x264", "f" * 40, 5, 6, 1000)]})
    saved = app.config["TORZNAB_URLS"], app.config["TORZNAB_USE_PROXY"]
    # direct: the proxies the fuzzer itself adds to the pool lead nowhere
    app.config["TORZNAB_URLS"], app.config["TORZNAB_USE_PROXY"] = [f"alpha={server.url('alpha')}"], False
    yield
    app.config["TORZNAB_URLS"], app.config["TORZNAB_USE_PROXY"] = saved
    server.stop()


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


@pytest.mark.parametrize("role", ["anonymous", "user", "admin", "service"])
def test_every_operation_keeps_its_contract(role, app, fuzz_schema, make_user, auth_headers, service_headers,
                                           torznab_indexer):
    if role == "service":
        headers = dict(service_headers)
    else:
        headers = {} if role == "anonymous" else auth_headers(make_user(role=role))
    broken: dict[str, str] = {}
    for operation in _operations(fuzz_schema):
        try:
            _fuzz(operation, app, headers)
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis groups failures in a BaseExceptionGroup
            broken[operation.label] = f"{type(exc).__name__}: {exc}"
    report = "\n\n".join(f"=== {label} (as {role}) ===\n{problem}" for label, problem in broken.items())
    assert not broken, f"{len(broken)} operation(s) break their documented contract as {role}:\n\n{report}"
