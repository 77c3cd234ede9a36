"""The OpenAPI document is the contract: schema-driven requests (valid and invalid, from
schemathesis) to the app in-process get no 5xx, and only statuses, content types,
headers and bodies that the document declares for that operation.

Hypothesis drives schemathesis's strategies directly: its pytest plugin (`from_fixture`)
does not run under pytest 9."""

from __future__ import annotations

import pytest
import schemathesis
from conftest import bearer
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from assistant.api.app import create_app

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    # And the other way round: what the schema refuses is refused (422), a method the path
    # does not declare is 405 with the right Allow, and no route answers without a key.
    negative_data_rejection,
    unsupported_method,
    ignored_auth,
]
OPERATIONS = [
    ("/v1/check", "POST"),
    ("/v1/triage", "POST"),
    ("/v1/guides", "GET"),
    ("/v1/guides/{guide_id}", "GET"),
    ("/v1/redact", "POST"),
    ("/healthz", "GET"),
    ("/readyz", "GET"),
    ("/v1/drafts", "POST"),
    ("/v1/templates", "GET"),
    ("/v1/templates/{template_id}", "GET"),
    ("/v1/rules", "GET"),
    ("/v1/templates/suggest", "POST"),
    ("/v1/sends", "POST"),
    ("/v1/sends/{send_id}", "GET"),
    ("/v1/sends/{send_id}/override", "POST"),
    ("/v1/sends/{send_id}/confirm", "POST"),
    ("/v1/erasures", "POST"),
    ("/v1/audit", "GET"),
    ("/v1/audit/{send_id}", "GET"),
    ("/v1/audit/aggregates", "GET"),
    ("/v1/audit/export/records.csv", "GET"),
    ("/v1/audit/export/scores.csv", "GET"),
    ("/v1/sends/{send_id}/reviews", "GET"),
    ("/v1/sends/{send_id}/reviews", "POST"),
    ("/v1/keys", "POST"),
    ("/v1/keys", "GET"),
    ("/v1/keys/{key_id}", "DELETE"),
]
TAKE_INPUT = [
    ("/v1/check", "POST"),
    ("/v1/triage", "POST"),
    ("/v1/redact", "POST"),
    ("/v1/drafts", "POST"),
    ("/v1/templates/suggest", "POST"),
    ("/v1/sends", "POST"),
    ("/v1/sends/{send_id}/override", "POST"),
    ("/v1/sends/{send_id}/confirm", "POST"),
    ("/v1/erasures", "POST"),
    ("/v1/sends/{send_id}/reviews", "POST"),
    ("/v1/keys", "POST"),
]


@pytest.fixture(scope="module")
def api_schema(services):
    # In-process (ASGI): no network. The session's models, so the lifespan builds nothing.
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(services=services))


def test_every_operation_is_fuzzed(api_schema):
    documented = {(op.ok().path, op.ok().method.upper()) for op in api_schema.get_all_operations()}
    assert documented == set(OPERATIONS)


# Negative cases need something to break: only the routes that take a body.
RUNS = [(path, method, GenerationMode.POSITIVE) for path, method in OPERATIONS] + [
    (path, method, GenerationMode.NEGATIVE) for path, method in TAKE_INPUT
]


@pytest.mark.parametrize("path, method, mode", RUNS, ids=[f"{m} {p} {g.value}" for p, m, g in RUNS])
def test_every_answer_is_declared_in_the_openapi_document(api_schema, keys, path, method, mode):
    operation = api_schema[path][method]
    admin = bearer(keys["admin"])  # admin may call every route

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def fuzz(case):
        case.call_and_validate(checks=CHECKS, headers=admin)

    fuzz()
