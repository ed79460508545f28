"""``compareExperiments`` through GraphQL: order, params, metrics, series and the checks."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from app.models import Experiment, User
from app.models.enums import Role
from tests.builders import create_hypothesis, create_running
from tests.compare.helpers import columns, ingest, merged
from tests.graphql import error_codes, gql, ok

COMPARE = """
query($ids: [ID!]!, $baseline: ID, $keys: [String!], $goals: [MetricGoalInput!],
      $series: String!, $max: Int) {
  compareExperiments(ids: $ids, baselineId: $baseline, metricKeys: $keys, goals: $goals) {
    experiments { id name }
    baselineId
    params { key values differs }
    metrics { key goal bestExperimentId cells { experimentId last min max best } }
    series(key: $series, maxPoints: $max) {
      experimentId
      series { key totalPoints downsampled points { step value } }
    }
  }
}
"""


@pytest.fixture
async def lab(services, make_user) -> dict[str, Any]:
    ann, ann_token = await make_user(Role.DS, name="ann")
    bob, bob_token = await make_user(Role.DS, name="bob")
    hypothesis = await create_hypothesis(services, ann)
    specs = [
        ("a", {"optimizer": {"lr": 0.1}, "layers": [64, 32]}, {"data": {"path": "/d"}}),
        ("b", {"optimizer": {"lr": 0.01}, "layers": [64, 32]}, {"data": {"path": "/d"}}),
        ("c", {"optimizer": {"lr": 0.1}}, {}),
    ]
    ids = {}
    for name, hyperparams, config in specs:
        exp = await create_running(
            services, ann, hypothesis, name=name, hyperparams=hyperparams, config=config
        )
        ids[name] = str(exp.id)
    loss = {"a": [3.0, 1.0, 2.0], "b": [2.0, 0.5, 0.7]}
    for name, values in loss.items():
        acc = [0.5, 0.9, 0.8] if name == "a" else [0.6, 0.7, 0.95]
        batch = merged(columns("loss", [0, 1, 2], values), columns("acc", [0, 1, 2], acc))
        await ingest(services, ann, uuid.UUID(ids[name]), batch)
    long = [float((s * 37) % 101) for s in range(2000)]
    await ingest(services, ann, uuid.UUID(ids["c"]), columns("loss", list(range(2000)), long))
    other = await create_hypothesis(services, bob)
    hidden = await create_running(services, bob, other, name="hidden")
    return {"ann": ann_token, "bob": bob_token, "ids": ids, "hidden": str(hidden.id)}


async def compare(client, token, ids, **variables: Any) -> dict[str, Any]:
    variables = {"ids": ids, "series": "loss", **variables}
    data = await ok(client, COMPARE, variables, token=token)
    result: dict[str, Any] = data["compareExperiments"]
    return result


async def test_experiments_come_in_the_order_asked_with_the_baseline(client, lab):
    ids = lab["ids"]
    order = [ids["c"], ids["a"], ids["b"]]
    result = await compare(client, lab["ann"], order, baseline=ids["a"])
    assert [e["id"] for e in result["experiments"]] == order
    assert [e["name"] for e in result["experiments"]] == ["c", "a", "b"]
    assert result["baselineId"] == ids["a"]


async def test_params_are_flattened_with_nulls_and_differs(client, lab):
    ids = lab["ids"]
    result = await compare(client, lab["ann"], [ids["a"], ids["b"], ids["c"]])
    rows = {row["key"]: row for row in result["params"]}
    assert [row["key"] for row in result["params"]] == sorted(rows)
    assert rows["hyperparams.optimizer.lr"] == {
        "key": "hyperparams.optimizer.lr",
        "values": [0.1, 0.01, 0.1],
        "differs": True,
    }
    assert rows["hyperparams.layers"]["values"] == [[64, 32], [64, 32], None]
    assert rows["hyperparams.layers"]["differs"] is True
    assert rows["config.data.path"]["values"] == ["/d", "/d", None]
    assert rows["hyperparams.n_estimators"]["differs"] is False  # the ML preset's default


async def test_metrics_take_the_best_by_goal(client, lab):
    ids = lab["ids"]
    a, b, c = ids["a"], ids["b"], ids["c"]
    result = await compare(client, lab["ann"], [a, b, c])
    rows = {row["key"]: row for row in result["metrics"]}
    assert list(rows) == ["acc", "loss"]
    assert rows["loss"]["goal"] == "MIN" and rows["acc"]["goal"] == "MAX"
    assert rows["loss"]["cells"][:2] == [
        {"experimentId": a, "last": 2.0, "min": 1.0, "max": 3.0, "best": 1.0},
        {"experimentId": b, "last": 0.7, "min": 0.5, "max": 2.0, "best": 0.5},
    ]
    assert rows["loss"]["cells"][2]["best"] == 0.0 and rows["loss"]["bestExperimentId"] == c
    assert rows["acc"]["bestExperimentId"] == b
    assert rows["acc"]["cells"][2] == {
        "experimentId": c,
        "last": None,
        "min": None,
        "max": None,
        "best": None,
    }
    given = await compare(
        client,
        lab["ann"],
        [a, b],
        keys=["loss", "nope"],
        goals=[{"key": "loss", "goal": "MAX"}],
    )
    assert [row["key"] for row in given["metrics"]] == ["loss", "nope"]
    assert given["metrics"][0]["goal"] == "MAX" and given["metrics"][0]["bestExperimentId"] == a
    assert given["metrics"][1]["bestExperimentId"] is None


async def test_series_of_each_experiment_downsampled(client, lab):
    ids = lab["ids"]
    result = await compare(client, lab["ann"], [ids["a"], ids["c"]], max=50)
    short, long = result["series"]
    assert short["experimentId"] == ids["a"] and long["experimentId"] == ids["c"]
    assert short["series"]["points"] == [
        {"step": 0, "value": 3.0},
        {"step": 1, "value": 1.0},
        {"step": 2, "value": 2.0},
    ]
    assert long["series"]["downsampled"] and long["series"]["totalPoints"] == 2000
    assert len(long["series"]["points"]) <= 50 and long["series"]["points"][-1]["step"] == 1999
    query = """query($ids: [ID!]!) { compareExperiments(ids: $ids) {
        series(key: "nope") { series { totalPoints points { step } } } } }"""
    data = await ok(client, query, {"ids": [ids["a"]]}, token=lab["ann"])
    assert data["compareExperiments"]["series"][0]["series"] == {"totalPoints": 0, "points": []}


async def test_series_are_experiment_metric_point_for_point(services, client, lab):
    """NaN and infinities are null, steps and times as ``Experiment.metric`` has them."""
    ids = lab["ids"]
    values = [float(s % 7) for s in range(300)]
    values[10], values[150], values[299] = float("nan"), float("inf"), float("-inf")
    owner = await _owner(services, ids["a"])
    await ingest(services, owner, uuid.UUID(ids["a"]), columns("odd", list(range(300)), values))
    fields = "key totalPoints downsampled points { step value timestamp }"
    for max_points in (40, 500):
        query = f"""query($ids: [ID!]!, $id: ID!) {{
            compareExperiments(ids: $ids) {{
              series(key: "odd", maxPoints: {max_points}) {{ series {{ {fields} }} }} }}
            experiment(id: $id) {{ metric(key: "odd", maxPoints: {max_points}) {{ {fields} }} }}
        }}"""
        data = await ok(client, query, {"ids": [ids["a"]], "id": ids["a"]}, token=lab["ann"])
        compared = data["compareExperiments"]["series"][0]["series"]
        assert compared == data["experiment"]["metric"]
        points = compared["points"]
        assert points[-1]["value"] is None and points[-1]["timestamp"].startswith("2026-01-01T")
        if max_points == 500:
            assert [p["value"] for p in points if p["step"] in (10, 150)] == [None, None]


async def _owner(services, experiment_id: str) -> User:
    async with services.db.reader() as session:
        experiment = await session.get(Experiment, uuid.UUID(experiment_id))
        assert experiment is not None
        owner = await session.get(User, experiment.owner_id)
    assert owner is not None
    return owner


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("empty", "VALIDATION_FAILED"),
        ("too many", "VALIDATION_FAILED"),
        ("twice", "VALIDATION_FAILED"),
        ("baseline elsewhere", "VALIDATION_FAILED"),
        ("max points", "VALIDATION_FAILED"),
        ("hidden", "NOT_FOUND"),
        ("unknown", "NOT_FOUND"),
        ("malformed", "NOT_FOUND"),
    ],
)
async def test_refusals(client, lab, case, code):
    a, b = lab["ids"]["a"], lab["ids"]["b"]
    variables: dict[str, Any] = {
        "empty": {"ids": []},
        "too many": {"ids": [str(uuid.uuid4()) for _ in range(101)]},
        "twice": {"ids": [a, b, a]},
        "baseline elsewhere": {"ids": [a], "baseline": b},
        "max points": {"ids": [a], "max": 0},
        "hidden": {"ids": [a, lab["hidden"]]},
        "unknown": {"ids": [a, str(uuid.uuid4())]},
        "malformed": {"ids": [a, "nope"]},
    }[case]
    body = await gql(client, COMPARE, {"series": "loss", **variables}, token=lab["ann"])
    assert error_codes(body) == [code]
    assert body["data"] is None


async def test_the_owner_of_the_hidden_one_sees_it_and_nobody_anonymous(client, lab):
    result = await compare(client, lab["bob"], [lab["hidden"]])
    assert [e["name"] for e in result["experiments"]] == ["hidden"]
    body = await gql(client, COMPARE, {"ids": [lab["hidden"]], "series": "loss"})
    assert error_codes(body) == ["UNAUTHENTICATED"]
    body = await gql(client, COMPARE, {"ids": [], "series": "loss"})  # before any check
    assert error_codes(body) == ["UNAUTHENTICATED"]
