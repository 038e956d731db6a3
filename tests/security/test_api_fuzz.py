"""Fuzzing the partner API from its own OpenAPI document (issue 6 §6, docs/adr/0014).

Schemathesis generates requests for every operation in /api/v1/openapi.json, valid and
invalid, and sends them to the WSGI application directly (no server, no network). With a
partner's bearer token every answer must be no 5xx, a declared status code, the declared
content type and a body that matches the declared schema. Without a token every operation
answers 401 JSON. Deterministic and bounded for CI: MASH_FUZZ_EXAMPLES (default 25) examples
per operation, derandomized; set it higher for a longer run.
"""

from __future__ import annotations

import functools
import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mash.api.models import PartnerApiClient
from mash.api.views import api

EXAMPLES = int(os.environ.get("MASH_FUZZ_EXAMPLES", "25"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    # The database fixtures are per test; each example runs inside the test's transaction.
    suppress_health_check=list(HealthCheck),
)


# The operations, named at collection from the API itself (no request, no database); the
# document schemathesis uses is fetched over WSGI inside a test, like any partner would.
OPERATIONS = [
    f"{method.upper()} {path}"
    for path, operations in api.get_openapi_schema().get("paths", {}).items()
    for method in operations
]
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]


@functools.cache
def _schema() -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calling the WSGI handler directly fires request_started/finished, whose
    close_old_connections closes a PostgreSQL connection inside the test's transaction (it
    sees autocommit off). Django's test Client disconnects it the same way."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def partner_token(police) -> str:
    _, token = PartnerApiClient.issue(name="Police system", agency=police, referrer_source="6")
    return token


def _fuzz(label: str, mode: GenerationMode, send) -> None:
    """Run `send(case)` on generated cases of one operation (Hypothesis shrinks a failure)."""
    operation = _schema().find_operation_by_label(label)

    @FUZZ
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case) -> None:
        send(case)

    run()


@pytest.mark.django_db
def test_every_operation_in_the_document_is_fuzzed():
    served = [result.ok().label for result in _schema().get_all_operations()]
    assert sorted(served) == sorted(OPERATIONS)
    assert "POST /api/v1/contacts" in OPERATIONS


@pytest.mark.django_db
@pytest.mark.parametrize("mode", MODES, ids=lambda m: m.value)
@pytest.mark.parametrize("label", OPERATIONS)
def test_the_api_keeps_its_contract_with_a_partner_token(label, mode, partner_token):
    bearer = {"Authorization": f"Bearer {partner_token}"}
    _fuzz(label, mode, lambda case: case.call_and_validate(headers=bearer, checks=CHECKS))


def _refused(case) -> None:
    if case.headers:
        case.headers.pop("Authorization", None)
    response = case.call()
    assert response.status_code == 401, (case.method, case.formatted_path, response.text[:300])
    assert response.headers["content-type"][0].startswith("application/json")
    assert "Bearer" in response.json()["message"]


@pytest.mark.django_db
@pytest.mark.parametrize("mode", MODES, ids=lambda m: m.value)
@pytest.mark.parametrize("label", OPERATIONS)
def test_without_a_token_every_operation_answers_401_json(label, mode):
    _fuzz(label, mode, _refused)
