"""``EXPSVC_GRAPHQL_ANONYMOUS_INTROSPECTION``: off, only callers with a valid token may
introspect; on (the default), anyone may."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import httpx
import pytest

from app.main import create_app
from app.models.enums import Role
from app.services import Services
from tests.graphql import error_codes, gql

SCHEMA = "{ __schema { queryType { name } } }"
TYPE = '{ __type(name: "Experiment") { name } }'


@pytest.fixture
async def closed_client(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    settings = services.settings.model_copy(update={"graphql_anonymous_introspection": False})
    app = create_app(settings, dataclasses.replace(services, settings=settings))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@pytest.mark.parametrize("query", [SCHEMA, TYPE])
async def test_anonymous_introspection_can_be_turned_off(closed_client, make_user, query):
    for _ in range(2):  # the second time the text is known to the validation cache
        for token in (None, "not-a-token"):
            body = await gql(closed_client, query, token=token)
            assert error_codes(body) == ["UNAUTHENTICATED"] and body.get("data") is None
    _, token = await make_user(Role.DS)
    body = await gql(closed_client, query, token=token)
    assert error_codes(body) == [] and body["data"]


async def test_typename_stays_allowed(closed_client):
    assert await gql(closed_client, "{ __typename }") == {"data": {"__typename": "Query"}}


async def test_anonymous_introspection_is_allowed_by_default(client):
    body = await gql(client, SCHEMA)
    assert body == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
