"""Reservations: taken on start, refused when the pool is short (the experiment stays
QUEUED), released exactly once at every end, extended within bounds."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.experiments import watchdog
from app.models.base import utcnow
from app.models.enums import ExperimentStatus, FailureReason, Role
from app.resources.service import release
from tests.builders import create_experiment, create_hypothesis, move, start
from tests.graphql import error_codes, gql, ok
from tests.resources.helpers import (
    A100_RATE,
    events,
    gpu_experiment,
    load,
    pool,
    reservation_of,
)
from tests.rest.helpers import API, bearer

START = """mutation($id: ID!) { startExperiment(id: $id) {
  id status startedAt
  reservation { pool gpuCount reservedAt expiresAt releasedAt } } }"""
READ = """query($id: ID!) { experiment(id: $id) {
  status reservation { pool gpuCount reservedAt expiresAt releasedAt }
  cost { gpu api total currency } } }"""
START_NOW = """mutation($id: ID!) { startExperiment(id: $id, wait: false) { id status } }"""
EXTEND = """mutation($id: ID!, $minutes: Int!) {
  extendReservation(experimentId: $id, minutes: $minutes) { reservation { expiresAt } } }"""


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
async def people(services, make_user):
    owner, token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner)
    return owner, token, hypothesis


async def test_start_reserves_the_gpus_until_start_plus_max_duration(client, services, people):
    owner, token, hypothesis = people
    experiment = await gpu_experiment(services, owner, hypothesis, 2, minutes=90)
    started = (await ok(client, START, {"id": str(experiment.id)}, token=token))["startExperiment"]
    assert started["status"] == "RUNNING"
    reservation = started["reservation"]
    assert reservation["pool"] == "a100-pool"
    assert reservation["gpuCount"] == 2
    assert reservation["releasedAt"] is None
    assert at(reservation["reservedAt"]) == at(started["startedAt"])
    assert at(reservation["expiresAt"]) - at(reservation["reservedAt"]) == timedelta(minutes=90)
    assert (await pool(services, "a100-pool")).reserved == 2
    read = (await ok(client, READ, {"id": str(experiment.id)}, token=token))["experiment"]
    assert read["reservation"] == reservation


async def test_a_cpu_only_experiment_reserves_cores_and_memory_but_no_gpus(
    client, services, people
):
    owner, token, hypothesis = people
    experiment = await create_experiment(services, owner, hypothesis)  # 1 core, 4 GB
    started = (await ok(client, START, {"id": str(experiment.id)}, token=token))["startExperiment"]
    assert started["status"] == "RUNNING"
    # no pool without GPUs in the test settings: the one with the most cores
    assert started["reservation"]["pool"] == "a100-pool"
    assert started["reservation"]["gpuCount"] == 0
    held = await pool(services, "a100-pool")
    assert (held.reserved, held.cpu_reserved, held.memory_reserved) == (0, 1, 4)


async def test_a_start_without_waiting_and_enough_free_gpus_is_refused_and_stays_queued(
    client, services, people
):
    owner, token, hypothesis = people
    first = await gpu_experiment(services, owner, hypothesis, 6, gpu_type="H100")
    second = await gpu_experiment(services, owner, hypothesis, 6, gpu_type="H100")
    await ok(client, START, {"id": str(first.id)}, token=token)

    refused = await gql(client, START_NOW, {"id": str(second.id)}, token=token)
    assert error_codes(refused) == ["RESOURCES_UNAVAILABLE"]
    details = refused["errors"][0]["extensions"]["details"]
    assert details["requested"] == 6
    assert details["available"] == 2
    assert details["gpuType"] == "H100"
    row = await load(services, second.id)
    assert row.status is ExperimentStatus.QUEUED
    assert row.started_at is None
    assert await reservation_of(services, second.id) is None
    assert (await pool(services, "h100-pool")).reserved == 6
    assert await events(services, "ExperimentStarted", second.id) == []
    (refusal,) = await events(services, "ResourcesUnavailable", second.id)
    assert refusal.payload["details"]["requested"] == 6
    assert refusal.payload["details"]["available"] == 2
    assert refusal.payload["experiment"]["status"] == "QUEUED"
    assert row.queued_at is None  # not waiting either

    over_rest = await client.post(
        f"{API}/experiments/{second.id}/start", json={"wait": False}, headers=bearer(token)
    )
    assert over_rest.status_code == 409
    assert over_rest.json()["error"]["code"] == "RESOURCES_UNAVAILABLE"
    assert over_rest.json()["error"]["details"]["available"] == 2

    await move(services, owner, first, "complete")
    retried = await ok(client, START, {"id": str(second.id)}, token=token)
    assert retried["startExperiment"]["status"] == "RUNNING"
    assert (await pool(services, "h100-pool")).reserved == 6


async def test_release_happens_once(services, people):
    owner, _, hypothesis = people
    running = await start(services, owner, await gpu_experiment(services, owner, hypothesis, 3))
    await move(services, owner, running, "complete")
    first = await reservation_of(services, running.id)
    assert first is not None and first.released_at is not None
    assert (await pool(services, "a100-pool")).reserved == 0
    final_cost = (await load(services, running.id)).gpu_cost
    assert final_cost == pytest.approx(
        3 * A100_RATE * (first.released_at - first.reserved_at).total_seconds() / 3600
    )

    async with services.db.unit_of_work() as session:
        await release(session, running.id, utcnow() + timedelta(hours=5))
    again = await reservation_of(services, running.id)
    assert again is not None and again.released_at == first.released_at
    assert (await pool(services, "a100-pool")).reserved == 0
    assert (await load(services, running.id)).gpu_cost == final_cost


@pytest.mark.parametrize("end", ["complete", "fail", "stop"])
async def test_every_end_releases_the_gpus(services, people, end):
    owner, _, hypothesis = people
    running = await start(services, owner, await gpu_experiment(services, owner, hypothesis, 4))
    other = await start(services, owner, await gpu_experiment(services, owner, hypothesis, 1))
    assert (await pool(services, "a100-pool")).reserved == 5
    await move(services, owner, running, end, reason=FailureReason.OOM)
    reservation = await reservation_of(services, running.id)
    assert reservation is not None and reservation.released_at is not None
    assert (await pool(services, "a100-pool")).reserved == 1
    assert (await reservation_of(services, other.id)).released_at is None  # type: ignore[union-attr]


async def test_an_activity_timeout_releases_the_gpus(services, people):
    owner, _, hypothesis = people
    running = await start(services, owner, await gpu_experiment(services, owner, hypothesis, 2))
    later = utcnow() + timedelta(hours=1)
    assert await watchdog.fail_inactive(services.db, timeout_seconds=900, now=later) == [running.id]
    row = await load(services, running.id)
    assert row.failure_reason is FailureReason.LOGGING_TIMEOUT
    reservation = await reservation_of(services, running.id)
    assert reservation is not None and reservation.released_at == later
    assert (await pool(services, "a100-pool")).reserved == 0
    assert row.gpu_cost == pytest.approx(
        2 * A100_RATE * (later - reservation.reserved_at).total_seconds() / 3600
    )


async def test_stopping_a_queued_experiment_has_nothing_to_release(services, people):
    owner, _, hypothesis = people
    queued = await gpu_experiment(services, owner, hypothesis, 2)
    await move(services, owner, queued, "stop")
    assert await reservation_of(services, queued.id) is None
    assert (await pool(services, "a100-pool")).reserved == 0


async def test_extend_reservation_moves_the_expiry(client, services, people):
    owner, token, hypothesis = people
    running = await start(services, owner, await gpu_experiment(services, owner, hypothesis, 1))
    before = await reservation_of(services, running.id)
    assert before is not None
    body = await ok(client, EXTEND, {"id": str(running.id), "minutes": 30}, token=token)
    expires = at(body["extendReservation"]["reservation"]["expiresAt"])
    assert expires == before.expires_at + timedelta(minutes=30)
    assert (await reservation_of(services, running.id)).expires_at == expires  # type: ignore[union-attr]


async def test_extend_reservation_bounds(client, services, people, monkeypatch):
    owner, token, hypothesis = people
    monkeypatch.setattr(
        services, "settings", services.settings.model_copy(update={"max_duration_minutes": 120})
    )
    running = await start(
        services, owner, await gpu_experiment(services, owner, hypothesis, 1, minutes=60)
    )
    ident = str(running.id)

    for minutes in (0, -5, 121):
        body = await gql(client, EXTEND, {"id": ident, "minutes": minutes}, token=token)
        assert error_codes(body) == ["VALIDATION_FAILED"], minutes
        assert "minutes" in body["errors"][0]["extensions"]["details"]["fields"]

    await ok(client, EXTEND, {"id": ident, "minutes": 60}, token=token)  # to the maximum
    over = await gql(client, EXTEND, {"id": ident, "minutes": 1}, token=token)
    assert error_codes(over) == ["VALIDATION_FAILED"]
    reservation = await reservation_of(services, running.id)
    assert reservation is not None
    assert reservation.expires_at - reservation.reserved_at == timedelta(minutes=120)


async def test_extend_reservation_needs_a_running_experiment_with_one(
    client, services, people, make_user
):
    owner, token, hypothesis = people
    queued = await gpu_experiment(services, owner, hypothesis, 1)
    body = await gql(client, EXTEND, {"id": str(queued.id), "minutes": 5}, token=token)
    assert error_codes(body) == ["INVALID_TRANSITION"]

    cpu = await start(services, owner, await create_experiment(services, owner, hypothesis))
    await move(services, owner, cpu, "complete")
    body = await gql(client, EXTEND, {"id": str(cpu.id), "minutes": 5}, token=token)
    assert error_codes(body) == ["INVALID_TRANSITION"]

    done = await start(services, owner, await gpu_experiment(services, owner, hypothesis, 1))
    await move(services, owner, done, "complete")
    body = await gql(client, EXTEND, {"id": str(done.id), "minutes": 5}, token=token)
    assert error_codes(body) == ["INVALID_TRANSITION"]


async def test_extend_reservation_permissions(client, services, make_user):
    owner, _ = await make_user(Role.DS)
    observer, observer_token = await make_user(Role.DS)
    _, stranger_token = await make_user(Role.DS)
    lead, lead_token = await make_user(Role.TL)
    hypothesis = await create_hypothesis(services, owner, team_lead=lead, observers=[observer])
    running = await start(services, owner, await gpu_experiment(services, owner, hypothesis, 1))
    variables = {"id": str(running.id), "minutes": 5}
    assert error_codes(await gql(client, EXTEND, variables, token=stranger_token)) == ["NOT_FOUND"]
    assert error_codes(await gql(client, EXTEND, variables, token=observer_token)) == ["FORBIDDEN"]
    await ok(client, EXTEND, variables, token=lead_token)
