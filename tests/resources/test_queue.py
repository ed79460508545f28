"""The GPU queue through the API: waiting starts, the scheduler starting them as capacity
frees (an end, an expiry, a pool growing), leaving the queue, priority and its
permissions, caps, and the queue's views (``Experiment.queue``, ``resourcePools``)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import Notification
from app.models.enums import ExperimentStatus, Role
from app.resources.scheduler import QueueScheduler
from tests.builders import create_hypothesis, move
from tests.graphql import error_codes, gql, ok
from tests.resources.helpers import (
    add_pool,
    events,
    gpu_experiment,
    load,
    move_reservation,
    pool,
    reservation_of,
    set_times,
)
from tests.rest.helpers import API, bearer

START = """mutation($id: ID!, $wait: Boolean) { startExperiment(id: $id, wait: $wait) {
  id status queue { pool position since estimatedStartAt } } }"""
READ = """query($id: ID!) { experiment(id: $id) {
  status priority queue { pool position estimatedStartAt } reservation { expiresAt } } }"""
DEQUEUE = "mutation($id: ID!) { dequeueExperiment(id: $id) { status queue { position } } }"
PRIORITY = """mutation($id: ID!, $p: Int!) { setExperimentPriority(id: $id, priority: $p) {
  priority queue { position } } }"""
POOLS = """{ resourcePools { name reserved
  queue { position estimatedStartAt experiment { id name } } } }"""
UPSERT = """mutation($c: Int!) { upsertResourcePool(input: {name: "q-pool", gpuType: "L4",
  capacity: $c, hourlyCostPerGpu: 1.0}) { capacity } }"""


@pytest.fixture
async def lab(services, make_user):
    owner, token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner)
    await add_pool(services, "q-pool", "L4", 2)
    return owner, token, hypothesis


async def l4(services, owner, hypothesis, count=1, **overrides):
    return await gpu_experiment(services, owner, hypothesis, count, gpu_type="L4", **overrides)


async def started(client, token, experiment, wait=True):
    body = await ok(client, START, {"id": str(experiment.id), "wait": wait}, token=token)
    return body["startExperiment"]


async def test_a_start_without_free_gpus_waits_and_starts_when_a_run_ends(client, services, lab):
    owner, token, hypothesis = lab
    running = await l4(services, owner, hypothesis, 2)
    waiting = await l4(services, owner, hypothesis, 2)
    assert (await started(client, token, running))["status"] == "RUNNING"

    answer = await started(client, token, waiting)
    assert answer["status"] == "QUEUED"
    assert answer["queue"]["pool"] == "q-pool"
    assert answer["queue"]["position"] == 1
    assert answer["queue"]["since"] is not None
    assert await events(services, "ResourcesUnavailable", waiting.id) == []

    scheduler = QueueScheduler(services)
    await scheduler.run_pass()
    read = (await ok(client, READ, {"id": str(waiting.id)}, token=token))["experiment"]
    assert read["status"] == "QUEUED"
    holder = (await ok(client, READ, {"id": str(running.id)}, token=token))["experiment"]
    # it starts when the running reservation ends at the latest
    assert read["queue"]["estimatedStartAt"] == holder["reservation"]["expiresAt"]

    await move(services, owner, running, "complete")
    await scheduler.run_pass()
    row = await load(services, waiting.id)
    assert row.status is ExperimentStatus.RUNNING
    assert row.queued_at is None and row.queue_position is None
    assert (await reservation_of(services, waiting.id)) is not None
    assert (await pool(services, "q-pool")).reserved == 2
    (event,) = await events(services, "ExperimentStarted", waiting.id)
    assert event.payload["previous"] == {"status": "QUEUED"}
    await services.notifier.run_until_empty()
    async with services.db.reader() as session:
        kinds = (
            await session.scalars(
                select(Notification.kind).where(Notification.experiment_id == waiting.id)
            )
        ).all()
    assert "EXPERIMENT_STARTED" in kinds
    read = (await ok(client, READ, {"id": str(waiting.id)}, token=token))["experiment"]
    assert read["queue"] is None


async def test_wait_false_is_refused_as_before_and_does_not_jump_the_queue(client, services, lab):
    owner, token, hypothesis = lab
    await started(client, token, await l4(services, owner, hypothesis, 1))
    big = await l4(services, owner, hypothesis, 2)
    assert (await started(client, token, big))["status"] == "QUEUED"

    # one GPU is free, but an experiment waits for the pool: no start jumps it
    small = await l4(services, owner, hypothesis, 1)
    refused = await gql(client, START, {"id": str(small.id), "wait": False}, token=token)
    assert error_codes(refused) == ["RESOURCES_UNAVAILABLE"]
    assert refused["errors"][0]["extensions"]["details"]["waiting"] == 1
    assert (await load(services, small.id)).queued_at is None
    (refusal,) = await events(services, "ResourcesUnavailable", small.id)
    assert refusal.payload["details"]["waiting"] == 1

    # starting the waiting one again leaves it waiting where it is
    again = await started(client, token, big)
    assert again["status"] == "QUEUED" and again["queue"]["position"] == 1


async def test_leaving_the_queue_by_dequeue_or_stop(client, services, lab):
    owner, token, hypothesis = lab
    await started(client, token, await l4(services, owner, hypothesis, 2))
    first = await l4(services, owner, hypothesis, 1)
    second = await l4(services, owner, hypothesis, 1)
    await started(client, token, first)
    await started(client, token, second)
    scheduler = QueueScheduler(services)
    await scheduler.run_pass()
    assert (await load(services, second.id)).queue_position == 2

    left = (await ok(client, DEQUEUE, {"id": str(first.id)}, token=token))["dequeueExperiment"]
    assert left == {"status": "QUEUED", "queue": None}
    await scheduler.run_pass()
    assert (await load(services, second.id)).queue_position == 1
    again = await gql(client, DEQUEUE, {"id": str(first.id)}, token=token)
    assert error_codes(again) == ["INVALID_TRANSITION"]

    stopped = await move(services, owner, second, "stop")
    assert stopped.status is ExperimentStatus.STOPPED
    assert stopped.queued_at is None and stopped.queue_pool is None
    await scheduler.run_pass()
    body = await ok(client, POOLS, token=token)
    (q_pool,) = [p for p in body["resourcePools"] if p["name"] == "q-pool"]
    assert q_pool["queue"] == []


async def test_priority_orders_the_queue_and_only_leads_may_raise_it(
    client, services, lab, make_user
):
    owner, token, hypothesis = lab
    _lead, lead_token = await make_user(Role.TL)
    await started(client, token, await l4(services, owner, hypothesis, 2))
    early = await l4(services, owner, hypothesis, 1, name="early")
    late = await l4(services, owner, hypothesis, 1, name="late")
    await started(client, token, early)
    await started(client, token, late)

    # a DS may lower a priority, not raise it above 0
    refused = await gql(client, PRIORITY, {"id": str(late.id), "p": 5}, token=token)
    assert error_codes(refused) == ["FORBIDDEN"]
    assert (await load(services, late.id)).priority == 0
    lowered = await ok(client, PRIORITY, {"id": str(early.id), "p": -1}, token=token)
    assert lowered["setExperimentPriority"]["priority"] == -1
    out_of_range = await gql(client, PRIORITY, {"id": str(late.id), "p": 1001}, token=token)
    assert error_codes(out_of_range) == ["VALIDATION_FAILED"]

    # an ADMIN may raise it
    _admin, admin_token = await make_user(Role.ADMIN)
    raised = await ok(client, PRIORITY, {"id": str(late.id), "p": 3}, token=admin_token)
    assert raised["setExperimentPriority"]["priority"] == 3
    await QueueScheduler(services).run_pass()
    body = await ok(client, POOLS, token=admin_token)
    (q_pool,) = [p for p in body["resourcePools"] if p["name"] == "q-pool"]
    assert [(e["position"], e["experiment"]["name"]) for e in q_pool["queue"]] == [
        (1, "late"),
        (2, "early"),
    ]
    # a TL who does not lead the hypothesis cannot act on it at all
    foreign = await gql(client, PRIORITY, {"id": str(late.id), "p": 1}, token=lead_token)
    assert error_codes(foreign) == ["NOT_FOUND"]


ORDER = """mutation($order: QueueOrder) { upsertResourcePool(input: {name: "q-pool",
  gpuType: "L4", capacity: 2, hourlyCostPerGpu: 1.0, queueOrder: $order}) { queueOrder } }"""


async def test_a_widest_first_pool_starts_the_widest_waiting_entry_first(
    client, services, lab, make_user
):
    """An ADMIN sets a pool's order; its queue then takes the widest request first (then
    the shorter one), the join answer, the stored positions and the pool's queue all
    follow it, and leaving the order out of a later edit keeps it."""
    owner, token, hypothesis = lab
    _admin, admin_token = await make_user(Role.ADMIN)
    set_order = await ok(client, ORDER, {"order": "WIDEST_FIRST"}, token=admin_token)
    assert set_order["upsertResourcePool"]["queueOrder"] == "WIDEST_FIRST"
    kept = await ok(client, ORDER, {"order": None}, token=admin_token)
    assert kept["upsertResourcePool"]["queueOrder"] == "WIDEST_FIRST"

    running = await l4(services, owner, hypothesis, 2)
    await started(client, token, running)
    narrow = await l4(services, owner, hypothesis, 1, name="narrow")
    narrow_long = await l4(services, owner, hypothesis, 1, name="narrow-long", minutes=120)
    wide = await l4(services, owner, hypothesis, 2, name="wide")
    assert (await started(client, token, narrow))["queue"]["position"] == 1
    assert (await started(client, token, narrow_long))["queue"]["position"] == 2
    # it joined last and goes first
    assert (await started(client, token, wide))["queue"]["position"] == 1

    scheduler = QueueScheduler(services)
    await scheduler.run_pass()
    body = await ok(client, POOLS, token=token)
    (q_pool,) = [p for p in body["resourcePools"] if p["name"] == "q-pool"]
    assert [(e["position"], e["experiment"]["name"]) for e in q_pool["queue"]] == [
        (1, "wide"),
        (2, "narrow"),
        (3, "narrow-long"),
    ]
    holder = (await ok(client, READ, {"id": str(running.id)}, token=token))["experiment"]
    wide_at, narrow_at, narrow_long_at = (e["estimatedStartAt"] for e in q_pool["queue"])
    # the wide one when the running reservation ends; the narrow ones after it
    assert wide_at == holder["reservation"]["expiresAt"]
    assert narrow_at == narrow_long_at and narrow_at > wide_at

    await move(services, owner, running, "complete")
    await scheduler.run_pass()
    assert (await load(services, wide.id)).status is ExperimentStatus.RUNNING
    assert (await load(services, narrow.id)).queue_position == 1
    assert (await pool(services, "q-pool")).reserved == 2


async def test_a_widest_first_pool_never_puts_an_entry_behind_one_of_a_later_day(
    client, services, lab, make_user
):
    owner, token, hypothesis = lab
    _admin, admin_token = await make_user(Role.ADMIN)
    await ok(client, ORDER, {"order": "WIDEST_FIRST"}, token=admin_token)
    await started(client, token, await l4(services, owner, hypothesis, 2))
    narrow = await l4(services, owner, hypothesis, 1, name="yesterday-narrow")
    await started(client, token, narrow)
    joined = (await load(services, narrow.id)).queued_at
    await set_times(services, narrow.id, queued_at=joined - timedelta(days=1))
    wide = await l4(services, owner, hypothesis, 2, name="today-wide")
    # the join answer counts the narrow entry of the day before ahead of it
    assert (await started(client, token, wide))["queue"]["position"] == 2

    await QueueScheduler(services).run_pass()
    body = await ok(client, POOLS, token=token)
    (q_pool,) = [p for p in body["resourcePools"] if p["name"] == "q-pool"]
    assert [(e["position"], e["experiment"]["name"]) for e in q_pool["queue"]] == [
        (1, "yesterday-narrow"),
        (2, "today-wide"),
    ]


async def test_only_an_admin_sets_a_pools_queue_order(client, services, lab, make_user):
    for role in (Role.DS, Role.MLE, Role.TL, Role.CURATOR):
        _user, token = await make_user(role)
        refused = await gql(client, ORDER, {"order": "WIDEST_FIRST"}, token=token)
        assert error_codes(refused) == ["FORBIDDEN"]
    assert (await pool(services, "q-pool")).queue_order.value == "FIFO"


async def test_priority_on_create_needs_a_lead_role(client, services, lab, make_user):
    _owner, token, hypothesis = lab
    create = """mutation($h: ID!, $p: Int!) { createExperiment(input: {hypothesisId: $h,
      name: "p", type: ML, model: "m", framework: "f", priority: $p}) { priority } }"""
    refused = await gql(client, create, {"h": str(hypothesis.id), "p": 1}, token=token)
    assert error_codes(refused) == ["FORBIDDEN"]
    fine = await ok(client, create, {"h": str(hypothesis.id), "p": -2}, token=token)
    assert fine["createExperiment"]["priority"] == -2
    _curator, curator_token = await make_user(Role.CURATOR)
    raised = await ok(client, create, {"h": str(hypothesis.id), "p": 7}, token=curator_token)
    assert raised["createExperiment"]["priority"] == 7

    over_rest = await client.post(
        f"{API}/experiments",
        json={
            "hypothesis_id": str(hypothesis.id),
            "name": "r",
            "type": "ML",
            "model": "m",
            "framework": "f",
            "priority": 2,
        },
        headers=bearer(token),
    )
    assert over_rest.status_code == 403


async def test_set_priority_needs_a_queued_experiment(client, services, lab):
    owner, token, hypothesis = lab
    running = await l4(services, owner, hypothesis, 1)
    await started(client, token, running)
    refused = await gql(client, PRIORITY, {"id": str(running.id), "p": -1}, token=token)
    assert error_codes(refused) == ["INVALID_TRANSITION"]


async def test_a_cap_on_running_gpus_per_user_queues_the_rest(client, services, lab, monkeypatch):
    owner, token, hypothesis = lab
    capped = services.settings.model_copy(update={"max_running_gpus_per_user": 1})
    monkeypatch.setattr(services, "settings", capped)
    first = await l4(services, owner, hypothesis, 1)
    second = await l4(services, owner, hypothesis, 1)
    assert (await started(client, token, first))["status"] == "RUNNING"
    assert (await started(client, token, second))["status"] == "QUEUED"  # the pool has room
    refused = await gql(client, START, {"id": str(second.id), "wait": False}, token=token)
    assert error_codes(refused) == ["RESOURCES_UNAVAILABLE"]

    scheduler = QueueScheduler(services)
    await scheduler.run_pass()
    row = await load(services, second.id)
    assert row.status is ExperimentStatus.QUEUED
    assert row.queue_position == 1 and row.queue_estimated_start_at is None

    await move(services, owner, first, "complete")
    await scheduler.run_pass()
    assert (await load(services, second.id)).status is ExperimentStatus.RUNNING


async def test_a_cap_per_hypothesis(client, services, lab, monkeypatch, make_user):
    owner, token, hypothesis = lab
    capped = services.settings.model_copy(update={"max_running_gpus_per_hypothesis": 1})
    monkeypatch.setattr(services, "settings", capped)
    first = await l4(services, owner, hypothesis, 1)
    await started(client, token, first)
    second = await l4(services, owner, hypothesis, 1)
    assert (await started(client, token, second))["status"] == "QUEUED"
    other_owner, other_token = await make_user(Role.DS)
    other_hypothesis = await create_hypothesis(services, other_owner)
    other = await l4(services, other_owner, other_hypothesis, 1)
    # a run of another hypothesis is not capped, and takes the free GPU (the queue plans it
    # ahead of the capped entry, which holds nobody up)
    assert (await started(client, other_token, other))["status"] == "QUEUED"
    await QueueScheduler(services).run_pass()
    assert (await load(services, other.id)).status is ExperimentStatus.RUNNING
    assert (await load(services, second.id)).status is ExperimentStatus.QUEUED


async def test_an_expiring_reservation_hands_its_gpus_to_the_queue(client, services, lab):
    owner, token, hypothesis = lab
    holder = await l4(services, owner, hypothesis, 2, minutes=30)
    await started(client, token, holder)
    waiting = await l4(services, owner, hypothesis, 2)
    await started(client, token, waiting)
    await move_reservation(services, holder.id, timedelta(minutes=31))

    await QueueScheduler(services).run_pass()
    assert (await load(services, holder.id)).status is ExperimentStatus.FAILED
    assert (await load(services, waiting.id)).status is ExperimentStatus.RUNNING
    assert (await pool(services, "q-pool")).reserved == 2


async def test_a_running_scheduler_starts_the_queue_when_the_pool_grows(
    client, services, lab, make_user
):
    """The scheduler as the app runs it: woken by the pool change, not by a poll."""
    owner, token, hypothesis = lab
    _admin, admin_token = await make_user(Role.ADMIN)
    scheduler = QueueScheduler(services)
    scheduler.poll_seconds = 3600  # only an event can wake it in time
    scheduler.start()
    try:
        await started(client, token, await l4(services, owner, hypothesis, 2))
        waiting = await l4(services, owner, hypothesis, 2)
        await started(client, token, waiting)
        await ok(client, UPSERT, {"c": 4}, token=admin_token)
        await until(lambda: status_of(services, waiting.id), ExperimentStatus.RUNNING)
        assert (await pool(services, "q-pool")).reserved == 4
    finally:
        await scheduler.stop()


async def test_rest_start_waits_by_default_and_dequeue_and_priority(client, services, lab):
    owner, token, hypothesis = lab
    await started(client, token, await l4(services, owner, hypothesis, 2))
    waiting = await l4(services, owner, hypothesis, 1)
    answer = await client.post(f"{API}/experiments/{waiting.id}/start", headers=bearer(token))
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "QUEUED"
    assert body["queue"]["pool"] == "q-pool" and body["queue"]["position"] == 1
    assert body["priority"] == 0

    lowered = await client.post(
        f"{API}/experiments/{waiting.id}/priority", json={"priority": -3}, headers=bearer(token)
    )
    assert lowered.status_code == 200 and lowered.json()["priority"] == -3
    raised = await client.post(
        f"{API}/experiments/{waiting.id}/priority", json={"priority": 3}, headers=bearer(token)
    )
    assert raised.status_code == 403
    left = await client.post(f"{API}/experiments/{waiting.id}/dequeue", headers=bearer(token))
    assert left.status_code == 200 and left.json()["queue"] is None
    refused = await client.post(
        f"{API}/experiments/{waiting.id}/start", json={"wait": False}, headers=bearer(token)
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "RESOURCES_UNAVAILABLE"


async def status_of(services, experiment_id: uuid.UUID) -> ExperimentStatus:
    return (await load(services, experiment_id)).status


async def until(read, wanted, seconds: float = 10.0):
    """Wait for ``read()`` to give ``wanted`` (a bound on a hang, not a speed check)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while (value := await read()) != wanted:
        assert asyncio.get_running_loop().time() < deadline, f"still {value}"
        await asyncio.sleep(0.02)
    return value


async def test_the_team_lead_of_the_hypothesis_may_raise_a_priority(client, services, make_user):
    owner, token = await make_user(Role.DS)
    lead, lead_token = await make_user(Role.TL)
    hypothesis = await create_hypothesis(services, owner, team_lead=lead)
    experiment = await gpu_experiment(services, owner, hypothesis, 1)
    raised = await ok(client, PRIORITY, {"id": str(experiment.id), "p": 4}, token=lead_token)
    assert raised["setExperimentPriority"]["priority"] == 4
    refused = await gql(client, PRIORITY, {"id": str(experiment.id), "p": 5}, token=token)
    assert error_codes(refused) == ["FORBIDDEN"]
    assert (await load(services, experiment.id)).priority == 4
