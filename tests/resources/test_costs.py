"""Costs: GPUs x hourly rate x reserved time (growing while RUNNING, final at release),
plus API costs recorded with addApiCost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models.enums import Role
from app.models.resource import ApiCost
from app.resources.costs import cost_of
from tests.builders import create_experiment, create_hypothesis, move, start
from tests.graphql import error_codes, gql, ok
from tests.resources.helpers import (
    A100_RATE,
    gpu_experiment,
    load,
    move_reservation,
    reservation_of,
)

ADD = """mutation($id: ID!, $amount: Float!, $description: String!) {
  addApiCost(experimentId: $id, amount: $amount, description: $description) {
    cost { gpu api total currency } } }"""
COST = "query($id: ID!) { experiment(id: $id) { status cost { gpu api total currency } } }"


@pytest.fixture
async def people(services, make_user):
    owner, token = await make_user(Role.DS)
    observer, observer_token = await make_user(Role.DS)
    _, stranger_token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner, observers=[observer])
    return {
        "owner": owner,
        "token": token,
        "observer_token": observer_token,
        "stranger_token": stranger_token,
        "hypothesis": hypothesis,
    }


async def test_the_gpu_cost_grows_while_running_and_is_final_at_release(services, people):
    owner = people["owner"]
    running = await start(
        services, owner, await gpu_experiment(services, owner, people["hypothesis"], 2)
    )
    reservation = await reservation_of(services, running.id)
    assert reservation is not None
    begin = reservation.reserved_at
    row = await load(services, running.id)

    assert cost_of(row, reservation, begin).gpu == 0
    half = cost_of(row, reservation, begin + timedelta(minutes=30))
    assert half.gpu == pytest.approx(2 * A100_RATE * 0.5)
    later = cost_of(row, reservation, begin + timedelta(minutes=90))
    assert later.gpu == pytest.approx(2 * A100_RATE * 1.5)
    assert later.total == later.gpu + later.api

    await move(services, owner, running, "complete")
    released = await reservation_of(services, running.id)
    assert released is not None and released.released_at is not None
    final = await load(services, running.id)
    spent = (released.released_at - begin).total_seconds() / 3600
    assert final.gpu_cost == pytest.approx(2 * A100_RATE * spent)
    a = cost_of(final, released, released.released_at + timedelta(hours=1))
    b = cost_of(final, released, released.released_at + timedelta(days=3))
    assert a.gpu == b.gpu == pytest.approx(final.gpu_cost, abs=1e-6)


async def test_the_cost_field_shows_the_live_gpu_cost(client, services, people):
    owner, token = people["owner"], people["token"]
    running = await start(
        services, owner, await gpu_experiment(services, owner, people["hypothesis"], 2)
    )
    await move_reservation(services, running.id, timedelta(hours=1))
    cost = (await ok(client, COST, {"id": str(running.id)}, token=token))["experiment"]["cost"]
    assert cost["currency"] == "USD"
    assert cost["api"] == 0
    assert cost["gpu"] == pytest.approx(2 * A100_RATE, rel=1e-3)
    assert cost["total"] == pytest.approx(cost["gpu"])
    again = (await ok(client, COST, {"id": str(running.id)}, token=token))["experiment"]["cost"]
    assert again["gpu"] >= cost["gpu"]


async def test_a_queued_or_cpu_only_experiment_costs_nothing(client, services, people):
    owner, token = people["owner"], people["token"]
    queued = await gpu_experiment(services, owner, people["hypothesis"], 4)
    cpu = await start(
        services, owner, await create_experiment(services, owner, people["hypothesis"])
    )
    for experiment in (queued, cpu):
        cost = (await ok(client, COST, {"id": str(experiment.id)}, token=token))["experiment"]
        assert cost["cost"] == {"gpu": 0.0, "api": 0.0, "total": 0.0, "currency": "USD"}


async def test_api_costs_add_up_with_their_descriptions(client, services, people):
    owner, token = people["owner"], people["token"]
    experiment = await create_experiment(services, owner, people["hypothesis"])
    ident = str(experiment.id)
    first = await ok(
        client, ADD, {"id": ident, "amount": 1.5, "description": "gpt-4o judge"}, token=token
    )
    assert first["addApiCost"]["cost"]["api"] == 1.5
    second = await ok(
        client, ADD, {"id": ident, "amount": 2.25, "description": " eval set "}, token=token
    )
    assert second["addApiCost"]["cost"] == {
        "gpu": 0.0,
        "api": 3.75,
        "total": 3.75,
        "currency": "USD",
    }
    async with services.db.reader() as session:
        rows = (
            await session.scalars(
                select(ApiCost)
                .where(ApiCost.experiment_id == experiment.id)
                .order_by(ApiCost.amount)
            )
        ).all()
    assert [(row.amount, row.description, row.created_by) for row in rows] == [
        (1.5, "gpt-4o judge", owner.id),
        (2.25, "eval set", owner.id),
    ]
    assert (await load(services, experiment.id)).api_cost == 3.75


async def test_api_costs_count_after_the_end_too(client, services, people):
    owner, token = people["owner"], people["token"]
    running = await start(
        services, owner, await gpu_experiment(services, owner, people["hypothesis"], 1)
    )
    await move(services, owner, running, "complete")
    gpu = (await load(services, running.id)).gpu_cost
    body = await ok(
        client, ADD, {"id": str(running.id), "amount": 4.0, "description": "late bill"}, token=token
    )
    cost = body["addApiCost"]["cost"]
    assert cost["api"] == 4.0
    assert cost["gpu"] == pytest.approx(gpu, abs=1e-6)
    assert cost["total"] == pytest.approx(gpu + 4.0, abs=1e-6)


@pytest.mark.parametrize(
    ("amount", "description", "fields"),
    [
        (0.0, "x", {"amount"}),
        (-3.0, "x", {"amount"}),
        (1_000_000.01, "x", {"amount"}),
        (1.0, "", {"description"}),
        (1.0, "   ", {"description"}),
        (1.0, "d" * 501, {"description"}),
        (-1.0, "", {"amount", "description"}),
    ],
)
async def test_add_api_cost_is_validated(client, services, people, amount, description, fields):
    owner, token = people["owner"], people["token"]
    experiment = await create_experiment(services, owner, people["hypothesis"])
    body = await gql(
        client,
        ADD,
        {"id": str(experiment.id), "amount": amount, "description": description},
        token=token,
    )
    assert error_codes(body) == ["VALIDATION_FAILED"]
    assert set(body["errors"][0]["extensions"]["details"]["fields"]) == fields
    assert (await load(services, experiment.id)).api_cost == 0


async def test_add_api_cost_permissions(client, services, people):
    experiment = await create_experiment(services, people["owner"], people["hypothesis"])
    variables = {"id": str(experiment.id), "amount": 1.0, "description": "x"}
    observer = await gql(client, ADD, variables, token=people["observer_token"])
    assert error_codes(observer) == ["FORBIDDEN"]
    stranger = await gql(client, ADD, variables, token=people["stranger_token"])
    assert error_codes(stranger) == ["NOT_FOUND"]
    assert (await load(services, experiment.id)).api_cost == 0
