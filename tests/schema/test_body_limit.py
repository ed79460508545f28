"""GraphQL over HTTP answers a body over ``EXPSVC_MAX_REQUEST_BYTES`` with 413
``PAYLOAD_TOO_LARGE`` (the rule REST uses, ``app/request_body.py``): from its
``Content-Length`` before reading it, or while a chunked body streams in — never after
buffering it."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import httpx
import orjson
import pytest

from app.main import create_app
from app.services import Services
from tests.graphql import error_codes
from tests.logs.helpers import running, stored

LIMIT = 4096
LOG = """mutation($id: ID!, $lines: [LogLineInput!]!) {
  logMessages(experimentId: $id, lines: $lines) }"""


@pytest.fixture
async def small_client(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    """A second app on the same database whose request bodies may be 4 KiB at most."""
    settings = services.settings.model_copy(update={"max_request_bytes": LIMIT})
    app = create_app(settings, dataclasses.replace(services, settings=settings))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def log_body(experiment_id: object, message_bytes: int) -> bytes:
    lines = [{"message": "m" * message_bytes}]
    return orjson.dumps({"query": LOG, "variables": {"id": str(experiment_id), "lines": lines}})


def assert_too_large(response: httpx.Response) -> None:
    assert response.status_code == 413
    assert response.headers["connection"] == "close"
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "PAYLOAD_TOO_LARGE", "details": {"limit_bytes": LIMIT}}


async def test_a_body_declared_too_large_is_refused(small_client, services, make_user):
    run = await running(services, make_user)
    body = log_body(run.id, LIMIT)
    headers = {"Authorization": f"Bearer {run.token}", "Content-Type": "application/json"}
    response = await small_client.post("/graphql", content=body, headers=headers)
    assert_too_large(response)
    assert await stored(services, run.id) == []


async def test_a_chunked_body_is_refused_as_soon_as_it_passes_the_limit(
    small_client, services, make_user
):
    run = await running(services, make_user)
    sent = 0

    async def endless() -> AsyncIterator[bytes]:  # no Content-Length: chunked
        nonlocal sent
        yield b'{"query": "' + b" " * 1000
        for _ in range(100_000):  # 100 MB, if it were all read
            sent += 1
            yield b" " * 1000

    headers = {"Authorization": f"Bearer {run.token}", "Content-Type": "application/json"}
    response = await small_client.post("/graphql", content=endless(), headers=headers)
    assert_too_large(response)
    assert sent <= LIMIT // 1000 + 1  # read up to the limit, not one chunk more


async def test_a_body_within_the_limit_is_served(small_client, services, make_user):
    run = await running(services, make_user)
    body = log_body(run.id, LIMIT // 2)
    headers = {"Authorization": f"Bearer {run.token}", "Content-Type": "application/json"}
    response = await small_client.post("/graphql", content=body, headers=headers)
    assert response.status_code == 200 and error_codes(response.json()) == []
    assert response.json()["data"] == {"logMessages": 1}


async def test_the_default_limit_holds_for_log_batches_rest_refuses(client, services, make_user):
    """The issue's case: a 20 MB ``logMessages`` answered 200 where REST refused 6.5 MB."""
    run = await running(services, make_user)
    limit = services.settings.max_request_bytes
    lines = [{"message": "m" * 60_000} for _ in range(limit // 60_000 + 2)]
    payload = {"query": LOG, "variables": {"id": str(run.id), "lines": lines}}
    headers = {"Authorization": f"Bearer {run.token}"}
    response = await client.post("/graphql", json=payload, headers=headers)
    assert response.status_code == 413 and error_codes(response.json()) == ["PAYLOAD_TOO_LARGE"]
    rest = await client.post(
        f"/api/v1/experiments/{run.id}/logs", json={"lines": lines}, headers=headers
    )
    assert rest.status_code == 413
    assert await stored(services, run.id) == []
