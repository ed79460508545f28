"""Property-based fuzzing of every REST operation from the OpenAPI document (schemathesis).

Each operation of the endpoint table (new routes included, automatically) gets schema-valid
and schema-invalid requests, authenticated, naming existing experiments, artifacts and
uploads. No answer may be a 5xx; each must be one the document lists, in its content type
and shape. The budget is bounded and the generation derandomized, so a run is repeatable.
"""

from __future__ import annotations

import asyncio
from typing import Any

import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.rest.openapi import openapi_document
from app.rest.routes import TITLE, VERSION, endpoint_table
from tests.fuzz.conftest import Seeded

EXAMPLES = 4  # per operation and generation mode
TIMEOUT = 60  # seconds: generous, a slow answer is not what this test is about
DOCUMENT = openapi_document(endpoint_table(), title=TITLE, version=VERSION)
OPERATIONS = [(method.upper(), path) for path, ops in DOCUMENT["paths"].items() for method in ops]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _path_parameters(path: str, seeded: Seeded) -> st.SearchStrategy[dict[str, str]]:
    """Existing ids for the path's parameters (an upload's under /artifact-uploads)."""
    if path.startswith("/artifact-uploads/"):
        return st.just({"id": seeded.upload_id})
    ids = st.sampled_from([seeded.running_id, seeded.queued_id])
    if "{artifact_id}" in path:
        return ids.map(lambda i: {"id": i, "artifact_id": seeded.artifact_id})
    if "{id}" in path:
        return ids.map(lambda i: {"id": i})
    return st.just({})


def _fuzz(method: str, path: str, seeded: Seeded, base_url: str) -> None:
    schema = schemathesis.openapi.from_dict(DOCUMENT)
    operation = schema[path][method]
    strategy = _path_parameters(path, seeded).flatmap(
        lambda params: st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE, path_parameters=params or None),
            operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=params or None),
        )
    )
    session = requests.Session()

    @hypothesis.settings(
        max_examples=2 * EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(hypothesis.HealthCheck),
        phases=[hypothesis.Phase.generate],
    )
    @hypothesis.given(case=strategy)
    def run(case: Any) -> None:
        response = case.call(
            base_url=base_url, session=session, headers=seeded.headers, timeout=TIMEOUT
        )
        assert response.status_code < 500, (response.status_code, response.text[:500])
        case.validate_response(response, checks=CHECKS)

    run()


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
async def test_operation_answers_no_5xx_and_as_documented(
    method: str, path: str, seeded: Seeded, fuzz_server: str
) -> None:
    await asyncio.to_thread(_fuzz, method, path, seeded, f"{fuzz_server}/api/v1")
