"""``POST /api/v1/experiments/compare``: the same comparison as GraphQL, in snake_case."""

from __future__ import annotations

import math
import uuid

import pytest
from jsonschema import Draft202012Validator

from app.models.enums import Role
from tests.builders import create_hypothesis, create_running
from tests.compare.helpers import columns, ingest, merged

URL = "/api/v1/experiments/compare"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def pair(services, make_user):
    user, token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, user)
    a = await create_running(services, user, hypothesis, name="a", hyperparams={"opt": {"lr": 1}})
    b = await create_running(services, user, hypothesis, name="b", hyperparams={"opt": {"lr": 2}})
    await ingest(
        services,
        user,
        a.id,
        merged(columns("loss", [0, 1], [2.0, 1.0]), columns("acc", [0, 1], [0.1, math.nan])),
    )
    await ingest(services, user, b.id, columns("loss", list(range(600)), [1.0] * 600))
    return token, str(a.id), str(b.id)


async def test_compare_answers_params_metrics_and_series(client, pair):
    token, a, b = pair
    response = await client.post(
        URL,
        json={"ids": [b, a], "baseline_id": a, "series_keys": ["loss"], "max_points": 100},
        headers=bearer(token),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert [e["id"] for e in body["experiments"]] == [b, a] and body["baseline_id"] == a
    params = {row["key"]: row for row in body["params"]}
    assert params["hyperparams.opt.lr"] == {
        "key": "hyperparams.opt.lr",
        "values": [2, 1],
        "differs": True,
        "differs_from_baseline": [True, False],
    }
    metrics = {row["key"]: row for row in body["metrics"]}
    assert metrics["acc"]["goal"] == "MAX" and metrics["acc"]["best_experiment_id"] == a
    assert metrics["acc"]["cells"][1]["last"] == "NaN"  # REST keeps NaN, as the metric routes
    assert metrics["loss"]["cells"][0] == {
        "experiment_id": b,
        "last": 1.0,
        "min": 1.0,
        "max": 1.0,
        "best": 1.0,
        "delta_vs_baseline": 0.0,  # a's last loss is 1.0 too
        "delta_percent": 0.0,
    }
    [loss] = body["series"]
    assert [s["experiment_id"] for s in loss["experiments"]] == [b, a]
    assert loss["experiments"][0]["series"]["downsampled"] is True
    assert loss["experiments"][1]["series"]["total_points"] == 2


async def test_answer_matches_the_documented_schema(client, pair):
    token, a, b = pair
    document = (await client.get("/api/v1/openapi.json")).json()
    operation = document["paths"]["/experiments/compare"]["post"]
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]
    validator = Draft202012Validator({**ref, "components": document["components"]})
    body = {"ids": [a, b], "series_keys": ["loss", "acc"]}
    response = await client.post(URL, json=body, headers=bearer(token))
    validator.validate(response.json())


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"ids": []}, 422, "ids"),
        ({"ids": ["A", "A"]}, 422, "ids"),
        ({"ids": ["B"], "baseline_id": "A"}, 422, "baseline_id"),
        ({"ids": ["A"], "max_points": 0}, 422, "max_points"),
        ({"ids": ["A"], "series_keys": ["x", "x"]}, 422, "series_keys"),
        ({"ids": ["A"], "goals": {"x": "UP"}}, 422, "goals.x"),
        ({"ids": ["A", "missing"]}, 404, None),
    ],
)
async def test_refusals(client, pair, body, status, field):
    token, a, b = pair
    names = {"A": a, "B": b, "missing": str(uuid.uuid4())}
    body = {**body, "ids": [names[name] for name in body["ids"]]}
    if "baseline_id" in body:
        body["baseline_id"] = names[body["baseline_id"]]
    response = await client.post(URL, json=body, headers=bearer(token))
    assert response.status_code == status, response.text
    error = response.json()["error"]
    if field is not None:
        assert field in error["details"]["fields"]
