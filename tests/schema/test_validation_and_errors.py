"""Bad input gets the contract's code with field details; nothing leaks; limits hold."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from app.models import Experiment
from app.models.enums import Role
from tests.graphql import error_codes, gql
from tests.schema.test_lifecycle import CREATE, new_hypothesis


async def create_errors(client: Any, token: str, **fields: Any) -> dict[str, str]:
    payload = {"name": "x", "type": "ML", "model": "m", "framework": "f", **fields}
    body = await gql(client, CREATE, {"input": payload}, token=token)
    assert error_codes(body) == ["VALIDATION_FAILED"], body
    fields_: dict[str, str] = body["errors"][0]["extensions"]["details"]["fields"]
    return fields_


@pytest.fixture
async def ds(client, make_user) -> tuple[str, str]:
    _, token = await make_user(Role.DS)
    return token, await new_hypothesis(client, token)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"name": ""}, "name"),
        ({"name": "n" * 201}, "name"),
        ({"model": " "}, "model"),
        ({"tags": [f"t{i}" for i in range(33)]}, "tags"),
        ({"tags": ["x" * 65]}, "tags.0"),
        ({"hyperparams": {"learning_rate": 0}}, "hyperparams.learning_rate"),
        ({"hyperparams": {"learning_rate": 1.5}}, "hyperparams.learning_rate"),
        ({"hyperparams": {"n_estimators": 2.5}}, "hyperparams.n_estimators"),
        ({"hyperparams": [1, 2]}, "hyperparams"),
        ({"config": "text"}, "config"),
        ({"config": {"blob": "x" * 300_000}}, "config"),
        ({"resources": {"gpuType": "TPU", "gpuCount": 1}}, "resources.gpuType"),
        ({"resources": {"gpuCount": 1}}, "resources.gpuType"),
        ({"resources": {"gpuType": "A100", "gpuCount": 99}}, "resources.gpuCount"),
        ({"resources": {"maxDurationMinutes": 10**7}}, "resources.maxDurationMinutes"),
        ({"resources": {"cpuCores": 0}}, "resources.cpuCores"),
        ({"git": {"repoUrl": "not a url"}}, "git.repoUrl"),
        ({"git": {"repoUrl": "https://x/y.git", "commit": "zz"}}, "git.commit"),
    ],
)
async def test_create_refuses_bad_fields(client, ds, fields, expected):
    token, hypothesis_id = ds
    errors = await create_errors(client, token, hypothesisId=hypothesis_id, **fields)
    assert expected in errors, errors


async def test_llm_and_cv_presets_check_their_own_fields(client, ds):
    token, hypothesis_id = ds
    errors = await create_errors(
        client,
        token,
        hypothesisId=hypothesis_id,
        type="LLM",
        hyperparams={"lora_rank": 0, "precision": "fp8", "my_own_knob": "anything"},
    )
    assert set(errors) == {"hyperparams.lora_rank", "hyperparams.precision"}
    errors = await create_errors(
        client,
        token,
        hypothesisId=hypothesis_id,
        type="CV",
        hyperparams={"image_size": [224], "batch_size": True},
    )
    assert "hyperparams.batch_size" in errors
    assert any(key.startswith("hyperparams.image_size") for key in errors)


async def test_all_field_errors_are_reported_together_and_nothing_is_written(client, ds, services):
    token, hypothesis_id = ds
    errors = await create_errors(
        client,
        token,
        hypothesisId=hypothesis_id,
        name="",
        hyperparams={"learning_rate": -1},
        resources={"gpuCount": 100},
    )
    assert {"name", "hyperparams.learning_rate", "resources.gpuCount"} <= set(errors)
    async with services.db.reader() as session:
        assert await session.scalar(select(func.count()).select_from(Experiment)) == 0


async def test_hypothesis_must_exist_and_be_visible(client, ds, make_user):
    owner_token, hypothesis_id = ds
    _, stranger = await make_user(Role.DS)
    assert "hypothesisId" in await create_errors(client, stranger, hypothesisId=hypothesis_id)
    missing = "00000000-0000-0000-0000-000000000000"
    assert "hypothesisId" in await create_errors(client, owner_token, hypothesisId=missing)
    assert "hypothesisId" in await create_errors(client, owner_token, hypothesisId="nope")


async def test_unknown_and_malformed_ids_are_not_found(client, ds):
    token, _ = ds
    for value in ["00000000-0000-0000-0000-000000000000", "not-a-uuid"]:
        body = await gql(
            client, "query($id: ID!) { experiment(id: $id) { id } }", {"id": value}, token=token
        )
        assert error_codes(body) == ["NOT_FOUND"]
        body = await gql(
            client,
            "mutation($id: ID!) { startExperiment(id: $id) { id } }",
            {"id": value},
            token=token,
        )
        assert error_codes(body) == ["NOT_FOUND"]


async def test_no_token_and_bad_token_are_unauthenticated(client):
    assert error_codes(await gql(client, "{ me { id } }")) == ["UNAUTHENTICATED"]
    assert error_codes(await gql(client, "{ me { id } }", token="esk_wrong")) == ["UNAUTHENTICATED"]
    response = await client.post(
        "/graphql", json={"query": "{ me { id } }"}, headers={"Authorization": "Basic abc"}
    )
    assert error_codes(response.json()) == ["UNAUTHENTICATED"]


async def test_malformed_documents_and_wrong_types(client, ds):
    token, _ = ds
    body = await gql(client, "{ me { id ", token=token)
    assert error_codes(body) == ["GRAPHQL_PARSE_FAILED"]
    body = await gql(client, "{ me { nope } }", token=token)
    assert error_codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    body = await gql(
        client, "query($n: Int!) { hypotheses(first: $n) { id } }", {"n": "ten"}, token=token
    )
    assert error_codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    response = await client.post(
        "/graphql",
        content=b"{not json",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert "Traceback" not in response.text


async def test_unexpected_failures_do_not_leak(client, ds, monkeypatch):
    token, _ = ds

    def explode(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("secret internals at /srv/app.py line 42")

    boom = type("Boom", (), {"values": explode})()
    monkeypatch.setattr("schema.experiments.fields.PRESETS", boom)
    body = await gql(client, "{ presets { type } }", token=token)
    assert error_codes(body) == ["INTERNAL_SERVER_ERROR"]
    assert "secret" not in str(body) and "Traceback" not in str(body)


@pytest.mark.parametrize(
    "query",
    [
        # too deep: hypothesis → experiments → edges → node → hypothesis → ... (depth > 12)
        "{ hypotheses { experiments { edges { node { hypothesis { experiments { edges { node {"
        " hypothesis { experiments { edges { node { hypothesis { id } } } } } } } } } } } } } }",
        # too many aliases
        "{ " + " ".join(f"a{i}: me {{ id }}" for i in range(60)) + " }",
        # too many tokens
        "{ me { " + " ".join("id" for _ in range(6000)) + " } }",
    ],
    ids=["depth", "aliases", "tokens"],
)
async def test_query_limits(client, ds, query):
    token, _ = ds
    body = await gql(client, query, token=token)
    assert error_codes(body) == ["QUERY_TOO_COMPLEX"], body
    assert body.get("data") is None


async def test_the_standard_introspection_query_is_allowed(client, ds):
    """GraphiQL and generated clients fetch the schema with it: no limit may refuse it."""
    from graphql import get_introspection_query

    token, _ = ds
    body = await gql(client, get_introspection_query(descriptions=True), token=token)
    assert not body.get("errors"), body.get("errors")
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"
