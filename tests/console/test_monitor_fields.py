"""What the Run Monitor reads beside the API's own fields: ``Experiment.lastLogSeq`` /
``last_log_seq`` (where the log's tail starts) and ``Reservation.hourlyCostPerGpu`` /
``hourly_cost_per_gpu`` (the rate the GPU cost grows by while the run holds its GPUs),
readable by whoever may read the experiment."""

from __future__ import annotations

import pytest

from app.models.enums import Role
from tests.builders import create_hypothesis, start
from tests.graphql import error_codes, gql, ok
from tests.resources.helpers import A100_RATE, gpu_experiment
from tests.rest.helpers import API, bearer

MONITOR = """query($id: ID!) { experiment(id: $id) {
  lastLogSeq reservation { gpuCount hourlyCostPerGpu releasedAt } } }"""
TAIL = """query($id: ID!, $after: Int, $first: Int) { experiment(id: $id) {
  logs(after: $after, first: $first) { lines { seq message } hasMore } } }"""


@pytest.fixture
async def running(services, make_user):
    """Ann's RUNNING experiment on 2 A100s, seen by an observer, not by a stranger."""
    ann, ann_token = await make_user(Role.DS, name="ann")
    observer, observer_token = await make_user(Role.DS, name="observer")
    _, stranger_token = await make_user(Role.DS, name="stranger")
    hypothesis = await create_hypothesis(services, ann, observers=[observer])
    experiment = await gpu_experiment(services, ann, hypothesis, 2)
    await start(services, ann, experiment)
    return {
        "id": str(experiment.id),
        "ann": ann_token,
        "observer": observer_token,
        "stranger": stranger_token,
    }


async def log(client, running, count: int) -> None:
    lines = [{"message": f"line {n}"} for n in range(count)]
    response = await client.post(
        f"{API}/experiments/{running['id']}/logs",
        json={"lines": lines},
        headers=bearer(running["ann"]),
    )
    assert response.status_code == 202, response.text


async def test_last_log_seq_counts_lines_and_gives_the_tail(client, running):
    data = await ok(client, MONITOR, {"id": running["id"]}, token=running["observer"])
    assert data["experiment"]["lastLogSeq"] == 0
    await log(client, running, 7)
    await log(client, running, 5)
    data = await ok(client, MONITOR, {"id": running["id"]}, token=running["observer"])
    last = data["experiment"]["lastLogSeq"]
    assert last == 12
    tail = await ok(
        client, TAIL, {"id": running["id"], "after": last - 3, "first": 3}, token=running["ann"]
    )
    page = tail["experiment"]["logs"]
    assert [line["seq"] for line in page["lines"]] == [10, 11, 12]
    assert [line["message"] for line in page["lines"]] == ["line 2", "line 3", "line 4"]
    assert page["hasMore"] is False

    response = await client.get(
        f"{API}/experiments/{running['id']}", headers=bearer(running["observer"])
    )
    assert response.status_code == 200, response.text
    assert response.json()["last_log_seq"] == 12


async def test_the_reservation_carries_its_rate(client, running):
    data = await ok(client, MONITOR, {"id": running["id"]}, token=running["ann"])
    reservation = data["experiment"]["reservation"]
    assert reservation == {"gpuCount": 2, "hourlyCostPerGpu": A100_RATE, "releasedAt": None}
    response = await client.get(
        f"{API}/experiments/{running['id']}", headers=bearer(running["observer"])
    )
    assert response.json()["reservation"]["hourly_cost_per_gpu"] == A100_RATE


async def test_a_caller_who_may_not_read_it_sees_neither(client, running):
    body = await gql(client, MONITOR, {"id": running["id"]}, token=running["stranger"])
    assert error_codes(body) == ["NOT_FOUND"]
    assert body.get("data") is None or body["data"]["experiment"] is None
    response = await client.get(
        f"{API}/experiments/{running['id']}", headers=bearer(running["stranger"])
    )
    assert response.status_code == 404
    assert (await client.get(f"{API}/experiments/{running['id']}")).status_code == 401
