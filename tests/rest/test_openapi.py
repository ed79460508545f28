"""The OpenAPI document: valid 3.1, and exactly the routes the REST app serves."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from starlette.applications import Starlette
from starlette.routing import Mount, Route

from app.models.enums import Role
from tests.rest.helpers import API, act, bearer, create_experiment, new_hypothesis


def served_routes(app: Starlette) -> set[tuple[str, str]]:
    """(method, path) of every route of the app mounted at /api/v1, read from Starlette."""
    mount = next(r for r in app.routes if isinstance(r, Mount) and r.path == API)
    rest = mount.app
    assert isinstance(rest, Starlette)
    served: set[tuple[str, str]] = set()
    for route in rest.routes:
        assert isinstance(route, Route)
        served |= {(method, route.path) for method in (route.methods or set()) - {"HEAD"}}
    return served


async def _document(client) -> dict[str, Any]:
    response = await client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    document: dict[str, Any] = response.json()
    return document


def _validator(document: dict[str, Any], name: str) -> Draft202012Validator:
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    return Draft202012Validator(schema)


async def test_document_is_valid_openapi_3_1_served_without_auth(client):
    document = await _document(client)
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "/api/v1"}]
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }
    assert document["security"] == [{"bearerAuth": []}]
    assert document["paths"]["/openapi.json"]["get"]["security"] == []


async def test_document_lists_exactly_the_served_routes(client, app):
    document = await _document(client)
    documented = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
    }
    served = served_routes(app)
    assert documented == served
    assert {
        ("POST", "/experiments"),
        ("GET", "/experiments"),
        ("GET", "/experiments/{id}"),
        ("PATCH", "/experiments/{id}"),
        ("POST", "/experiments/{id}/start"),
        ("POST", "/experiments/{id}/complete"),
        ("POST", "/experiments/{id}/fail"),
        ("POST", "/experiments/{id}/stop"),
        ("POST", "/experiments/{id}/progress"),
        ("GET", "/openapi.json"),
    } <= served


async def test_operations_document_bodies_and_error_statuses(client):
    paths = (await _document(client))["paths"]
    create = paths["/experiments"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ExperimentCreate"
    }
    assert {"201", "401", "413", "422", "500"} <= set(create["responses"])
    start = paths["/experiments/{id}/start"]["post"]
    assert {"200", "401", "403", "404", "409", "500"} <= set(start["responses"])
    error_ref = start["responses"]["409"]["content"]["application/json"]["schema"]
    assert error_ref == {"$ref": "#/components/schemas/ErrorResponse"}
    assert "RESOURCES_UNAVAILABLE" in start["responses"]["409"]["description"]
    listing = {p["name"] for p in paths["/experiments"]["get"]["parameters"]}
    assert {"status", "tag", "order_by", "direction", "first", "after"} <= listing


async def test_answers_match_the_documented_schemas(client, services, make_user):
    document = await _document(client)
    user, token = await make_user(Role.DS)
    experiment = await create_experiment(
        client,
        token,
        await new_hypothesis(services, user),
        git={"repo_url": "git@github.com:acme/ml.git", "branch": "main"},
    )
    _validator(document, "ExperimentOut").validate(experiment)
    await act(client, token, experiment["id"], "start")
    failed = await act(client, token, experiment["id"], "fail", {"reason": "OOM"})
    _validator(document, "ExperimentOut").validate(failed.json())
    page = await client.get(f"{API}/experiments", headers=bearer(token))
    _validator(document, "ExperimentPageOut").validate(page.json())
    error = await act(client, token, experiment["id"], "start")
    _validator(document, "ErrorResponse").validate(error.json())
