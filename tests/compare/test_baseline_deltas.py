"""Deltas against the baseline in ``compareExperiments`` and ``POST /experiments/compare``:
per metric cell ``deltaVsBaseline`` / ``deltaPercent`` of ``last``, per parameter row
``differsFromBaseline``; all null without a baseline."""

from __future__ import annotations

import math
import uuid
from typing import Any

import pytest

from app.compare.metrics import MetricCell, against_baseline
from app.models.enums import Role
from tests.builders import create_hypothesis, create_running
from tests.compare.helpers import columns, ingest, merged
from tests.graphql import ok

COMPARE = """query($ids: [ID!]!, $baseline: ID) {
  compareExperiments(ids: $ids, baselineId: $baseline) {
    params { key values differs differsFromBaseline }
    metrics { key cells { experimentId last deltaVsBaseline deltaPercent } } } }"""


@pytest.fixture
async def trio(services, make_user) -> dict[str, Any]:
    """a (baseline): loss 2.0, acc 0 (a zero baseline), b: loss 1.5, acc 0.5, c: loss NaN,
    no acc; lr differs for b only, c lacks `layers`."""
    ann, token = await make_user(Role.DS, name="ann")
    hypothesis = await create_hypothesis(services, ann)
    ids = {}
    for name, lr, layers in [("a", 0.1, [2]), ("b", 0.01, [2]), ("c", 0.1, None)]:
        hyperparams: dict[str, Any] = {"lr": lr} | ({"layers": layers} if layers else {})
        row = await create_running(services, ann, hypothesis, name=name, hyperparams=hyperparams)
        ids[name] = str(row.id)
    batches = {
        "a": merged(columns("loss", [0, 1], [3.0, 2.0]), columns("acc", [0], [0.0])),
        "b": merged(columns("loss", [0, 1], [2.0, 1.5]), columns("acc", [0], [0.5])),
        "c": columns("loss", [0, 1], [1.0, math.nan]),
    }
    for name, batch in batches.items():
        await ingest(services, ann, uuid.UUID(ids[name]), batch)
    return {"token": token, **ids}


def cells_by_key(result: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {row["key"]: row["cells"] for row in result["metrics"]}


async def test_graphql_deltas_against_the_baseline(client, trio):
    ids = [trio["b"], trio["a"], trio["c"]]
    variables = {"ids": ids, "baseline": trio["a"]}
    result = (await ok(client, COMPARE, variables, token=trio["token"]))["compareExperiments"]
    loss = cells_by_key(result)["loss"]
    assert [(c["deltaVsBaseline"], c["deltaPercent"]) for c in loss] == [
        (-0.5, -25.0),  # b: 1.5 against 2.0
        (0.0, 0.0),  # the baseline itself
        (None, None),  # c's last is NaN: no delta
    ]
    acc = cells_by_key(result)["acc"]
    assert [(c["deltaVsBaseline"], c["deltaPercent"]) for c in acc] == [
        (0.5, None),  # a baseline of 0: a delta, no percentage
        (0.0, None),
        (None, None),  # c has no acc
    ]
    params = {row["key"]: row for row in result["params"]}
    assert params["hyperparams.lr"]["differsFromBaseline"] == [True, False, False]
    assert params["hyperparams.layers"]["differsFromBaseline"] == [False, False, True]


async def test_without_a_baseline_everything_is_null(client, trio):
    variables = {"ids": [trio["a"], trio["b"]]}
    result = (await ok(client, COMPARE, variables, token=trio["token"]))["compareExperiments"]
    assert all(row["differsFromBaseline"] is None for row in result["params"])
    cells = [cell for row in result["metrics"] for cell in row["cells"]]
    assert all(c["deltaVsBaseline"] is None and c["deltaPercent"] is None for c in cells)


async def test_rest_gives_the_same_deltas(client, trio):
    body = {"ids": [trio["a"], trio["b"]], "baseline_id": trio["b"]}
    response = await client.post(
        "/api/v1/experiments/compare",
        json=body,
        headers={"Authorization": f"Bearer {trio['token']}"},
    )
    assert response.status_code == 200, response.text
    metrics = {row["key"]: row["cells"] for row in response.json()["metrics"]}
    loss = [(c["delta_vs_baseline"], c["delta_percent"]) for c in metrics["loss"]]
    assert loss == [(0.5, pytest.approx(33.333333)), (0.0, 0.0)]
    params = {row["key"]: row for row in response.json()["params"]}
    assert params["hyperparams.lr"]["differs_from_baseline"] == [True, False]


def test_a_negative_baseline_keeps_the_sign_of_the_change():
    baseline = MetricCell(uuid.uuid4(), -2.0, None, None, None)
    higher = MetricCell(uuid.uuid4(), -1.0, None, None, None)
    _, cell = against_baseline([baseline, higher], baseline)
    assert (cell.delta_vs_baseline, cell.delta_percent) == (1.0, 50.0)


def test_an_overflowing_delta_is_null():
    baseline = MetricCell(uuid.uuid4(), -1e308, None, None, None)
    huge = MetricCell(uuid.uuid4(), 1e308, None, None, None)
    _, cell = against_baseline([baseline, huge], baseline)
    assert (cell.delta_vs_baseline, cell.delta_percent) == (None, None)
