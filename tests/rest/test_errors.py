"""Failures over REST: every one in the envelope, with the contract's code and status."""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from app.experiments import service as experiment_service
from app.main import create_app
from app.models.enums import Role
from app.services import Services
from tests.rest.helpers import (
    API,
    act,
    bearer,
    create_experiment,
    error_of,
    experiment_body,
    new_hypothesis,
)

SMALL_LIMIT = 2048


@pytest.fixture
async def small_client(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    """A second app on the same database whose request bodies may be 2 KiB at most."""
    settings = services.settings.model_copy(update={"max_request_bytes": SMALL_LIMIT})
    app = create_app(settings, dataclasses.replace(services, settings=settings))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_validation_errors_name_fields_in_snake_case(client, services, make_user):
    user, token = await make_user(Role.DS)
    body = experiment_body(
        await new_hypothesis(services, user),
        name="",
        resources={"gpu_type": "A100", "gpu_count": 99, "max_duration_minutes": 0},
        hyperparams={"learning_rate": 5},
    )
    response = await client.post(f"{API}/experiments", json=body, headers=bearer(token))
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "VALIDATION_FAILED"
    assert set(error["details"]["fields"]) == {
        "name",
        "resources.gpu_count",
        "resources.max_duration_minutes",
        "hyperparams.learning_rate",
    }


async def test_type_errors_and_unknown_fields_are_validation_errors(client, services, make_user):
    user, token = await make_user(Role.DS)
    body = experiment_body(
        await new_hypothesis(services, user),
        type="QUANTUM",
        resources={"gpu_count": "many"},
        colour="blue",
    )
    response = await client.post(f"{API}/experiments", json=body, headers=bearer(token))
    assert response.status_code == 422
    assert set(error_of(response)["details"]["fields"]) == {
        "type",
        "resources.gpu_count",
        "colour",
    }


async def test_an_unknown_hypothesis_is_a_field_error(client, make_user):
    _, token = await make_user(Role.DS)
    body = experiment_body(uuid.uuid4())
    response = await client.post(f"{API}/experiments", json=body, headers=bearer(token))
    assert response.status_code == 422
    assert set(error_of(response)["details"]["fields"]) == {"hypothesis_id"}


@pytest.mark.parametrize(
    "content",
    [b"{not json", b'{"name": "x",}', b"\xff\xfe", b"[1, 2]", b'"text"', b"null", b""],
)
async def test_malformed_or_non_object_bodies_are_validation_errors(client, make_user, content):
    _, token = await make_user(Role.DS)
    response = await client.post(
        f"{API}/experiments",
        content=content,
        headers={**bearer(token), "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "VALIDATION_FAILED"
    assert set(error["details"]["fields"]) == {"body"}


async def test_body_over_the_default_limit_is_refused(client, services, make_user):
    _, token = await make_user(Role.DS)
    content = b" " * (services.settings.max_request_bytes + 1)
    response = await client.post(f"{API}/experiments", content=content, headers=bearer(token))
    assert response.status_code == 413
    assert error_of(response)["code"] == "PAYLOAD_TOO_LARGE"


async def test_declared_content_length_over_the_limit_is_refused(small_client, make_user):
    _, token = await make_user(Role.DS)
    response = await small_client.post(
        f"{API}/experiments", content=b"x" * (SMALL_LIMIT + 1), headers=bearer(token)
    )
    assert response.status_code == 413
    error = error_of(response)
    assert error["code"] == "PAYLOAD_TOO_LARGE"
    assert error["details"] == {"limit_bytes": SMALL_LIMIT}


async def test_chunked_body_over_the_limit_is_refused(small_client, make_user):
    _, token = await make_user(Role.DS)

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"name": "'
        for _ in range(4):
            yield b"x" * 1024
        yield b'"}'

    response = await small_client.post(
        f"{API}/experiments", content=chunks(), headers=bearer(token)
    )
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert error_of(response)["code"] == "PAYLOAD_TOO_LARGE"


async def test_body_under_the_limit_is_accepted(small_client, services, make_user):
    user, token = await make_user(Role.DS)
    body = experiment_body(await new_hypothesis(services, user), description="d" * 1000)
    response = await small_client.post(f"{API}/experiments", json=body, headers=bearer(token))
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("header", [None, "Bearer esk_not-a-real-token", "Basic abc", "Bearer "])
async def test_missing_or_bad_token_is_unauthenticated(client, header):
    headers = {"Authorization": header} if header is not None else {}
    for method, path in [("GET", "/experiments"), ("POST", f"/experiments/{uuid.uuid4()}/start")]:
        response = await client.request(method, API + path, headers=headers)
        assert response.status_code == 401
        assert error_of(response)["code"] == "UNAUTHENTICATED"
        assert response.headers["www-authenticate"] == "Bearer"


async def test_unknown_and_malformed_ids_are_not_found(client, make_user):
    _, token = await make_user(Role.DS)
    for ident in [str(uuid.uuid4()), "not-a-uuid", "123"]:
        response = await client.get(f"{API}/experiments/{ident}", headers=bearer(token))
        assert response.status_code == 404
        assert error_of(response)["code"] == "NOT_FOUND"
        moved = await act(client, token, ident, "start")
        assert moved.status_code == 404


async def test_another_ds_experiment_is_not_found(client, services, make_user):
    owner, owner_token = await make_user(Role.DS)
    _, other_token = await make_user(Role.DS)
    experiment = await create_experiment(client, owner_token, await new_hypothesis(services, owner))
    url = f"{API}/experiments/{experiment['id']}"
    assert (await client.get(url, headers=bearer(other_token))).status_code == 404
    assert (await act(client, other_token, experiment["id"], "start")).status_code == 404
    listed = await client.get(f"{API}/experiments", headers=bearer(other_token))
    assert listed.json()["items"] == [] and listed.json()["total_count"] == 0


async def test_an_observer_can_read_but_not_act(client, services, make_user):
    owner, owner_token = await make_user(Role.DS)
    observer, observer_token = await make_user(Role.DS)
    hypothesis_id = await new_hypothesis(services, owner, observers=[observer])
    experiment = await create_experiment(client, owner_token, hypothesis_id)
    url = f"{API}/experiments/{experiment['id']}"
    assert (await client.get(url, headers=bearer(observer_token))).status_code == 200
    started = await act(client, observer_token, experiment["id"], "start")
    assert started.status_code == 403
    assert error_of(started)["code"] == "FORBIDDEN"
    patched = await client.patch(url, json={"name": "mine"}, headers=bearer(observer_token))
    assert patched.status_code == 403
    assert (await client.get(url, headers=bearer(owner_token))).json()["status"] == "QUEUED"


async def test_unknown_route_is_not_found_in_the_envelope(client, make_user):
    _, token = await make_user(Role.DS)
    response = await client.get(f"{API}/nothing/here", headers=bearer(token))
    assert response.status_code == 404
    assert error_of(response)["code"] == "NOT_FOUND"


async def test_wrong_method_is_method_not_allowed_in_the_envelope(client, make_user):
    _, token = await make_user(Role.DS)
    response = await client.delete(f"{API}/experiments", headers=bearer(token))
    assert response.status_code == 405
    error = error_of(response)
    assert error["code"] == "METHOD_NOT_ALLOWED"
    assert set(error["details"]["allowed"]) >= {"GET", "POST"}
    assert "POST" in response.headers["allow"]
    start = await client.get(f"{API}/experiments/{uuid.uuid4()}/start", headers=bearer(token))
    assert start.status_code == 405


async def test_unexpected_error_is_logged_and_hidden(
    client, services, make_user, monkeypatch, caplog
):
    user, token = await make_user(Role.DS)
    experiment = await create_experiment(client, token, await new_hypothesis(services, user))

    async def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(experiment_service, "get_experiment", broken)
    with caplog.at_level(logging.ERROR, logger="expsvc.rest"):
        response = await client.get(f"{API}/experiments/{experiment['id']}", headers=bearer(token))
    assert response.status_code == 500
    assert response.json() == {
        "error": {"code": "INTERNAL_SERVER_ERROR", "message": "Internal server error"}
    }
    assert "secret" not in response.text and "Traceback" not in response.text
    records = [r for r in caplog.records if r.name == "expsvc.rest"]
    assert records and records[0].exc_info is not None
    assert isinstance(records[0].exc_info[1], RuntimeError)
