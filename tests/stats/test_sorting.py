"""experiments(orderBy: {field: COST}) and {field: METRIC, metricKey}, over GraphQL and
REST, with keyset pagination that stays consistent while running costs grow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.experiments import service as experiments_service
from app.models.enums import Role
from tests.builders import create_experiment, create_hypothesis, move, start
from tests.graphql import error_codes, gql, ok
from tests.resources.helpers import gpu_experiment, log_metric, move_reservation, set_times
from tests.rest.helpers import API, bearer

T0 = datetime(2026, 3, 1, tzinfo=UTC)
LIST = """query($order: ExperimentOrder, $first: Int, $after: String) {
  experiments(orderBy: $order, first: $first, after: $after) {
    edges { cursor node { name } } pageInfo { hasNextPage endCursor } totalCount } }"""


def names(body):
    return [edge["node"]["name"] for edge in body["experiments"]["edges"]]


async def walk(client, token, order, first=1):
    """Every page of the list, ``first`` at a time: the names in order."""
    seen, after = [], None
    while True:
        body = await ok(client, LIST, {"order": order, "first": first, "after": after}, token=token)
        seen += names(body)
        info = body["experiments"]["pageInfo"]
        if not info["hasNextPage"]:
            return seen
        after = info["endCursor"]


@pytest.fixture
async def owner(services, make_user):
    user, token = await make_user(Role.DS)
    return user, token, await create_hypothesis(services, user)


async def test_sort_by_cost(client, services, owner):
    user, token, hypothesis = owner
    for name, api_cost in (("cheap", 1.0), ("dear", 3.0), ("middling", 2.0), ("free", 0.0)):
        experiment = await create_experiment(services, user, hypothesis, name=name)
        await set_times(services, experiment.id, api_cost=api_cost)
    gpu = await start(
        services, user, await gpu_experiment(services, user, hypothesis, 1, name="gpu")
    )
    await move_reservation(services, gpu.id, timedelta(hours=1))  # 2.5 so far, growing
    done = await start(
        services, user, await gpu_experiment(services, user, hypothesis, 1, name="done")
    )
    await move(services, user, done, "complete")
    await set_times(services, done.id, gpu_cost=1.5)  # final

    descending = await ok(client, LIST, {"order": {"field": "COST"}}, token=token)
    assert names(descending) == ["dear", "gpu", "middling", "done", "cheap", "free"]
    ascending = await ok(
        client, LIST, {"order": {"field": "COST", "direction": "ASC"}}, token=token
    )
    assert names(ascending) == ["free", "cheap", "done", "middling", "gpu", "dear"]
    assert await walk(client, token, {"field": "COST", "direction": "ASC"}, first=2) == names(
        ascending
    )

    response = await client.get(
        f"{API}/experiments", params={"order_by": "cost"}, headers=bearer(token)
    )
    assert response.status_code == 200, response.text
    assert [item["name"] for item in response.json()["items"]] == names(descending)


async def test_a_cost_walk_keeps_the_moment_of_its_first_page(client, services, owner, monkeypatch):
    """A RUNNING experiment's cost grows between pages; the walk still sees each item once,
    in the order of the moment its first page was read."""
    user, token, hypothesis = owner
    now = [datetime.now(UTC)]
    monkeypatch.setattr(experiments_service, "utcnow", lambda: now[0])
    running = await start(
        services,
        user,
        await gpu_experiment(services, user, hypothesis, 8, gpu_type="H100", name="r"),
    )
    await move_reservation(services, running.id, running.started_at - now[0] + timedelta(hours=1))
    # r costs 8 x 4.0 x 1 h = 32 at ``now``; x and y sit on either side of it
    for name, api_cost in (("x", 33.0), ("y", 31.0)):
        experiment = await create_experiment(services, user, hypothesis, name=name)
        await set_times(services, experiment.id, api_cost=api_cost)

    order = {"field": "COST"}
    first = await ok(client, LIST, {"order": order, "first": 1}, token=token)
    assert names(first) == ["x"]
    now[0] += timedelta(minutes=30)  # r is at 48 now
    rest = await ok(
        client,
        LIST,
        {"order": order, "first": 5, "after": first["experiments"]["pageInfo"]["endCursor"]},
        token=token,
    )
    assert names(rest) == ["r", "y"], "the walk continues at its first page's moment"
    fresh = await ok(client, LIST, {"order": order}, token=token)
    assert names(fresh) == ["r", "x", "y"], "a new walk sees the new costs"


@pytest.fixture
async def metric_runs(services, owner):
    user, token, hypothesis = owner
    loss = {"a": [(0, 1.0), (5, 0.3)], "b": [(0, 0.9), (9, 0.1)], "c": None, "d": [(2, 0.2)]}
    loss["e"] = [(0, 0.5), (1, float("nan"))]  # the last value is NaN: sorts with the missing
    for name, points in loss.items():
        experiment = await start(
            services, user, await create_experiment(services, user, hypothesis, name=name)
        )
        if points:
            await log_metric(services, user, experiment, "val/loss", points, T0)
        else:
            await log_metric(services, user, experiment, "accuracy", [(0, 0.5)], T0)
    return token


async def test_sort_by_a_metric_last_value(client, services, metric_runs):
    token = metric_runs
    order = {"field": "METRIC", "metricKey": "val/loss", "direction": "ASC"}
    ascending = await ok(client, LIST, {"order": order}, token=token)
    assert names(ascending)[:3] == ["b", "d", "a"]
    assert set(names(ascending)[3:]) == {"c", "e"}, "no value: last"
    descending = await ok(client, LIST, {"order": {**order, "direction": "DESC"}}, token=token)
    assert names(descending)[:3] == ["a", "d", "b"]
    assert set(names(descending)[3:]) == {"c", "e"}, "no value: last either way"
    assert await walk(client, token, order) == names(ascending)
    assert await walk(client, token, {**order, "direction": "DESC"}, first=2) == names(descending)

    response = await client.get(
        f"{API}/experiments",
        params={"order_by": "metric", "metric_key": "val/loss", "direction": "asc"},
        headers=bearer(token),
    )
    assert response.status_code == 200, response.text
    assert [item["name"] for item in response.json()["items"]] == names(ascending)


async def test_metric_sort_needs_its_key(client, services, metric_runs):
    token = metric_runs
    for order in ({"field": "METRIC"}, {"field": "METRIC", "metricKey": "  "}):
        body = await gql(client, LIST, {"order": order}, token=token)
        assert error_codes(body) == ["VALIDATION_FAILED"]
        assert "orderBy.metricKey" in body["errors"][0]["extensions"]["details"]["fields"]
    response = await client.get(
        f"{API}/experiments", params={"order_by": "metric"}, headers=bearer(token)
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "VALIDATION_FAILED"


async def test_a_cursor_belongs_to_its_sort(client, services, metric_runs):
    token = metric_runs
    order = {"field": "METRIC", "metricKey": "val/loss"}
    page = await ok(client, LIST, {"order": order, "first": 1}, token=token)
    cursor = page["experiments"]["pageInfo"]["endCursor"]
    for other in ({"field": "METRIC", "metricKey": "accuracy"}, {"field": "COST"}, None):
        body = await gql(client, LIST, {"order": other, "after": cursor}, token=token)
        assert error_codes(body) == ["VALIDATION_FAILED"], other
    cost_page = await ok(client, LIST, {"order": {"field": "COST"}, "first": 1}, token=token)
    cost_cursor = cost_page["experiments"]["pageInfo"]["endCursor"]
    body = await gql(client, LIST, {"order": order, "after": cost_cursor}, token=token)
    assert error_codes(body) == ["VALIDATION_FAILED"]
    garbage = await gql(client, LIST, {"order": {"field": "COST"}, "after": "abc"}, token=token)
    assert error_codes(garbage) == ["VALIDATION_FAILED"]


async def test_other_sorts_still_walk(client, services, owner):
    user, token, hypothesis = owner
    for index, name in enumerate(["n3", "n1", "n2"]):
        experiment = await create_experiment(services, user, hypothesis, name=name)
        await set_times(services, experiment.id, created_at=T0 + timedelta(minutes=index))
    assert await walk(client, token, {"field": "NAME", "direction": "ASC"}) == ["n1", "n2", "n3"]
    assert await walk(client, token, {"field": "CREATED_AT"}) == ["n2", "n1", "n3"]
