"""CPU cores and memory as capacities of a pool: reserved with the GPUs in one conditional
UPDATE and released once, refusals naming the short dimension, CPU-only runs placed (CPU
pools first), expired after their ``maxDurationMinutes`` and queued when cores are short,
the CPU cost, concurrent starts never oversubscribing cores, and who may set a pool's CPU
and memory."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from app.experiments.schemas import ResourceRequestData
from app.models import Experiment
from app.models.base import utcnow
from app.models.enums import ExperimentStatus, FailureReason, Role
from app.models.resource import Reservation, ResourcePool
from app.resources import expiry
from app.resources.costs import cost_of
from app.resources.scheduler import QueueScheduler
from app.resources.service import release
from tests.builders import create_experiment, create_hypothesis, move, start
from tests.graphql import error_codes, gql, ok
from tests.resources.helpers import (
    add_pool,
    events,
    gpu_experiment,
    load,
    move_reservation,
    pool,
    reservation_of,
)

START_NOW = "mutation($id: ID!) { startExperiment(id: $id, wait: false) { id status } }"
START = """mutation($id: ID!) { startExperiment(id: $id) {
  status queue { pool position estimatedStartAt }
  reservation { pool gpuCount cpuCores memoryGb hourlyCostPerCpuCore } } }"""
COST = """query($id: ID!) { experiment(id: $id) { cost { gpu cpu api total currency } } }"""
STATS = "{ experimentStats { totalCost } }"
POOLS = """{ resourcePools { name capacity reserved available cpuCores cpuReserved cpuAvailable
  memoryGb memoryReserved memoryAvailable hourlyCostPerCpuCore } }"""
UPSERT = """mutation($input: ResourcePoolInput!) { upsertResourcePool(input: $input) {
  name capacity cpuCores cpuReserved cpuAvailable memoryGb memoryAvailable
  hourlyCostPerGpu hourlyCostPerCpuCore } }"""

CPU_RATE = 0.05  # the CPU pool's rate per core-hour here


def cpu_only(cores: int, memory_gb: int = 4, minutes: int = 60) -> ResourceRequestData:
    return ResourceRequestData(
        gpu_type=None,
        gpu_count=0,
        cpu_cores=cores,
        memory_gb=memory_gb,
        max_duration_minutes=minutes,
    )


def details(body: dict[str, Any]) -> dict[str, Any]:
    assert error_codes(body) == ["RESOURCES_UNAVAILABLE"]
    found: dict[str, Any] = body["errors"][0]["extensions"]["details"]
    return found


@pytest.fixture
async def lab(services, make_user):
    owner, token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner)
    return owner, token, hypothesis


@pytest.fixture
async def cpu_pool_only(services):
    """A CPU pool of 8 cores and 32 GB, and no cores left in the GPU pools: CPU-only runs
    have nowhere else to go."""
    await add_pool(
        services,
        "cpu-pool",
        "CPU",
        0,
        cpu_cores=8,
        memory_gb=32,
        hourly_cost_per_cpu_core=CPU_RATE,
    )
    async with services.db.unit_of_work() as session:
        await session.execute(
            update(ResourcePool).where(ResourcePool.name != "cpu-pool").values(cpu_cores=0)
        )


def counters(row: ResourcePool) -> tuple[int, int, int]:
    return (row.reserved, row.cpu_reserved, row.memory_reserved)


async def test_a_start_holds_gpus_cores_and_memory_and_releases_them_once(client, services, lab):
    owner, token, hypothesis = lab
    await add_pool(services, "l4-pool", "L4", 2, cpu_cores=8, memory_gb=64)
    experiment = await gpu_experiment(services, owner, hypothesis, 1, gpu_type="L4")
    answer = (await ok(client, START, {"id": str(experiment.id)}, token=token))["startExperiment"]
    assert answer["status"] == "RUNNING"
    assert answer["reservation"] == {
        "pool": "l4-pool",
        "gpuCount": 1,
        "cpuCores": 4,
        "memoryGb": 16,
        "hourlyCostPerCpuCore": 0.0,
    }
    assert counters(await pool(services, "l4-pool")) == (1, 4, 16)

    await move(services, owner, experiment, "complete")
    assert counters(await pool(services, "l4-pool")) == (0, 0, 0)
    async with services.db.unit_of_work() as session:  # a second release gives nothing back
        await release(session, experiment.id, utcnow())
    assert counters(await pool(services, "l4-pool")) == (0, 0, 0)


async def test_a_refusal_names_the_short_dimension(client, services, lab):
    owner, token, hypothesis = lab
    await add_pool(services, "l4-pool", "L4", 4, cpu_cores=6, memory_gb=64)
    await add_pool(services, "l40-pool", "L40", 4, cpu_cores=64, memory_gb=20)
    first = await gpu_experiment(services, owner, hypothesis, 1, gpu_type="L4")
    await ok(client, START_NOW, {"id": str(first.id)}, token=token)
    second = await gpu_experiment(services, owner, hypothesis, 1, gpu_type="L4")
    short_of_cores = details(await gql(client, START_NOW, {"id": str(second.id)}, token=token))
    assert short_of_cores["short"] == ["cpuCores"]
    assert short_of_cores["shortByPool"] == {"l4-pool": ["cpuCores"]}
    assert (short_of_cores["requested"], short_of_cores["available"]) == (1, 3)
    assert short_of_cores["cpuCoresRequested"] == 4
    assert short_of_cores["cpuCoresAvailable"] == 2
    assert short_of_cores["pools"] == ["l4-pool"]

    third = await gpu_experiment(services, owner, hypothesis, 1, gpu_type="L40")
    await ok(client, START_NOW, {"id": str(third.id)}, token=token)
    fourth = await gpu_experiment(services, owner, hypothesis, 1, gpu_type="L40")
    short_of_memory = details(await gql(client, START_NOW, {"id": str(fourth.id)}, token=token))
    assert short_of_memory["short"] == ["memoryGb"]
    assert (short_of_memory["memoryGbRequested"], short_of_memory["memoryGbAvailable"]) == (16, 4)

    # the refused starts held nothing and stay QUEUED
    assert counters(await pool(services, "l4-pool")) == (1, 4, 16)
    assert counters(await pool(services, "l40-pool")) == (1, 4, 16)
    assert (await load(services, second.id)).status is ExperimentStatus.QUEUED
    assert len(await events(services, "ResourcesUnavailable")) == 2


async def test_a_cpu_only_run_goes_to_a_cpu_pool_first_then_to_the_most_free_cores(
    client, services, lab
):
    owner, token, hypothesis = lab
    await add_pool(services, "cpu-pool", "CPU", 0, cpu_cores=8, memory_gb=32)
    first = await create_experiment(services, owner, hypothesis, resources=cpu_only(8))
    second = await create_experiment(services, owner, hypothesis, resources=cpu_only(8))
    one = (await ok(client, START, {"id": str(first.id)}, token=token))["startExperiment"]
    two = (await ok(client, START, {"id": str(second.id)}, token=token))["startExperiment"]
    assert one["reservation"]["pool"] == "cpu-pool"
    assert two["reservation"]["pool"] == "a100-pool"  # 256 cores, the most of the rest
    assert counters(await pool(services, "cpu-pool")) == (0, 8, 4)
    assert counters(await pool(services, "a100-pool")) == (0, 8, 4)


async def test_a_cpu_only_run_expires_after_its_max_duration(services, lab, cpu_pool_only):
    owner, _, hypothesis = lab
    experiment = await start(
        services,
        owner,
        await create_experiment(services, owner, hypothesis, resources=cpu_only(4, minutes=30)),
    )
    reservation = await reservation_of(services, experiment.id)
    assert reservation is not None and reservation.pool_name == "cpu-pool"
    ends = reservation.expires_at
    assert ends - reservation.reserved_at == timedelta(minutes=30)
    assert await expiry.expire(services.db, now=ends - timedelta(seconds=1)) == []
    assert await expiry.expire(services.db, now=ends) == [experiment.id]

    row = await load(services, experiment.id)
    assert row.status is ExperimentStatus.FAILED
    assert row.failure_reason is FailureReason.RESERVATION_EXPIRED
    assert counters(await pool(services, "cpu-pool")) == (0, 0, 0)
    assert row.cpu_cost == pytest.approx(4 * CPU_RATE * 0.5)  # four cores for half an hour


async def test_the_cpu_cost_is_live_while_running_part_of_the_total_and_final_at_release(
    client, services, lab, cpu_pool_only
):
    owner, token, hypothesis = lab
    experiment = await start(
        services,
        owner,
        await create_experiment(services, owner, hypothesis, resources=cpu_only(8, minutes=600)),
    )
    await move_reservation(services, experiment.id, timedelta(hours=2))
    reservation = await reservation_of(services, experiment.id)
    assert reservation is not None and reservation.hourly_cost_per_cpu_core == CPU_RATE
    row = await load(services, experiment.id)
    assert cost_of(row, reservation, reservation.reserved_at).cpu == 0
    later = cost_of(row, reservation, reservation.reserved_at + timedelta(hours=1))
    assert later.cpu == pytest.approx(8 * CPU_RATE)
    assert later.total == pytest.approx(later.cpu)

    cost = (await ok(client, COST, {"id": str(experiment.id)}, token=token))["experiment"]["cost"]
    assert 8 * CPU_RATE * 2 <= cost["cpu"] < 8 * CPU_RATE * 2.01  # two hours of 8 cores
    assert cost["gpu"] == 0 and cost["total"] == pytest.approx(cost["cpu"] + cost["api"])
    stats = (await ok(client, STATS, token=token))["experimentStats"]
    assert stats["totalCost"] == pytest.approx(cost["total"], rel=1e-3)

    # a rate changed later does not change what the running reservation costs
    async with services.db.unit_of_work() as session:
        await session.execute(
            update(ResourcePool)
            .where(ResourcePool.name == "cpu-pool")
            .values(hourly_cost_per_cpu_core=1.0)
        )
    await move(services, owner, experiment, "complete")
    final = await load(services, experiment.id)
    released = await reservation_of(services, experiment.id)
    assert released is not None and released.released_at is not None
    spent = (released.released_at - released.reserved_at).total_seconds() / 3600
    assert final.cpu_cost == pytest.approx(8 * CPU_RATE * spent)
    after = (await ok(client, COST, {"id": str(experiment.id)}, token=token))["experiment"]["cost"]
    assert after["cpu"] == pytest.approx(final.cpu_cost, abs=1e-6)
    assert after["total"] == pytest.approx(after["cpu"], abs=1e-6)


async def test_a_gpu_run_costs_its_gpus_and_its_cores(client, services, lab):
    owner, token, hypothesis = lab
    await add_pool(services, "l4-pool", "L4", 2, rate=1.0, hourly_cost_per_cpu_core=0.1)
    experiment = await start(
        services, owner, await gpu_experiment(services, owner, hypothesis, 2, gpu_type="L4")
    )
    await move_reservation(services, experiment.id, timedelta(hours=1))
    await move(services, owner, experiment, "complete")
    cost = (await ok(client, COST, {"id": str(experiment.id)}, token=token))["experiment"]["cost"]
    assert 2.0 <= cost["gpu"] < 2.01  # 2 GPUs x 1.0 for an hour
    assert 0.4 <= cost["cpu"] < 0.41  # 4 cores x 0.1 for an hour
    assert cost["total"] == pytest.approx(cost["gpu"] + cost["cpu"], abs=1e-6)


async def test_the_queue_starts_a_cpu_only_run_when_cores_free_up(
    client, services, lab, cpu_pool_only
):
    owner, token, hypothesis = lab
    running = await create_experiment(services, owner, hypothesis, resources=cpu_only(6))
    waiting = await create_experiment(services, owner, hypothesis, resources=cpu_only(4))
    assert (await ok(client, START, {"id": str(running.id)}, token=token))["startExperiment"][
        "status"
    ] == "RUNNING"
    queued = (await ok(client, START, {"id": str(waiting.id)}, token=token))["startExperiment"]
    assert queued["status"] == "QUEUED"
    assert queued["queue"]["pool"] == "cpu-pool"

    # another CPU-only start does not jump it, even one that would fit
    small = await create_experiment(services, owner, hypothesis, resources=cpu_only(1))
    refused = details(await gql(client, START_NOW, {"id": str(small.id)}, token=token))
    assert refused["waiting"] == 1

    scheduler = QueueScheduler(services)
    await scheduler.run_pass()
    assert (await load(services, waiting.id)).status is ExperimentStatus.QUEUED
    holder = await reservation_of(services, running.id)
    assert holder is not None
    assert (await load(services, waiting.id)).queue_estimated_start_at == holder.expires_at

    await move(services, owner, running, "complete")
    await scheduler.run_pass()
    row = await load(services, waiting.id)
    assert row.status is ExperimentStatus.RUNNING
    assert counters(await pool(services, "cpu-pool")) == (0, 4, 4)


async def test_a_gpu_run_short_of_cores_waits_and_starts_when_they_free_up(client, services, lab):
    owner, token, hypothesis = lab
    await add_pool(services, "l4-pool", "L4", 4, cpu_cores=6, memory_gb=64)
    first = await gpu_experiment(services, owner, hypothesis, 1, gpu_type="L4")
    second = await gpu_experiment(services, owner, hypothesis, 1, gpu_type="L4")
    await ok(client, START, {"id": str(first.id)}, token=token)
    queued = (await ok(client, START, {"id": str(second.id)}, token=token))["startExperiment"]
    assert queued["status"] == "QUEUED"  # 3 GPUs free, 2 of its 4 cores

    scheduler = QueueScheduler(services)
    await scheduler.run_pass()
    assert (await load(services, second.id)).status is ExperimentStatus.QUEUED
    await move(services, owner, first, "complete")
    await scheduler.run_pass()
    assert (await load(services, second.id)).status is ExperimentStatus.RUNNING


STARTS = 12
CORES_EACH = 2  # 12 starts of 2 cores on a pool of 8: exactly 4 win


async def test_concurrent_cpu_only_starts_never_oversubscribe_the_cores(
    client, services, lab, cpu_pool_only
):
    owner, token, hypothesis = lab
    experiments = [
        await create_experiment(
            services, owner, hypothesis, resources=cpu_only(CORES_EACH), name=f"cpu-{i}"
        )
        for i in range(STARTS)
    ]
    answers = await asyncio.gather(
        *(gql(client, START_NOW, {"id": str(e.id)}, token=token) for e in experiments)
    )
    won = [a for a in answers if not a.get("errors")]
    assert len(won) == 8 // CORES_EACH
    for answer in answers:
        if answer.get("errors"):
            assert details(answer)["short"] == ["cpuCores"]
    async with services.db.reader() as session:
        held = await session.scalar(
            select(func.coalesce(func.sum(Reservation.cpu_cores), 0)).where(
                Reservation.pool_name == "cpu-pool", Reservation.released_at.is_(None)
            )
        )
        running = await session.scalar(
            select(func.count()).where(Experiment.status == ExperimentStatus.RUNNING)
        )
    assert held == 8 and running == 8 // CORES_EACH
    assert counters(await pool(services, "cpu-pool")) == (0, 8, 4 * (8 // CORES_EACH))


async def test_only_an_admin_sets_a_pools_cores_memory_and_cpu_rate(client, make_user):
    _, admin_token = await make_user(Role.ADMIN)
    _, lead_token = await make_user(Role.TL)
    _, ds_token = await make_user(Role.DS)
    settings = {
        "name": "cpu-pool",
        "gpuType": "CPU",
        "capacity": 0,
        "hourlyCostPerGpu": 0,
        "cpuCores": 64,
        "memoryGb": 256,
        "hourlyCostPerCpuCore": 0.04,
    }
    for token in (lead_token, ds_token):
        refused = await gql(client, UPSERT, {"input": settings}, token=token)
        assert error_codes(refused) == ["FORBIDDEN"]
    pools = (await ok(client, POOLS, token=admin_token))["resourcePools"]
    assert "cpu-pool" not in {row["name"] for row in pools}

    created = (await ok(client, UPSERT, {"input": settings}, token=admin_token))[
        "upsertResourcePool"
    ]
    assert created == {
        "name": "cpu-pool",
        "capacity": 0,
        "cpuCores": 64,
        "cpuReserved": 0,
        "cpuAvailable": 64,
        "memoryGb": 256,
        "memoryAvailable": 256,
        "hourlyCostPerGpu": 0.0,
        "hourlyCostPerCpuCore": 0.04,
    }
    # left out on an edit: kept; a lead still may not change them
    edit = {"name": "cpu-pool", "gpuType": "CPU", "capacity": 0, "hourlyCostPerGpu": 0}
    assert error_codes(await gql(client, UPSERT, {"input": edit}, token=lead_token)) == [
        "FORBIDDEN"
    ]
    kept = (await ok(client, UPSERT, {"input": edit}, token=admin_token))["upsertResourcePool"]
    assert (kept["cpuCores"], kept["memoryGb"], kept["hourlyCostPerCpuCore"]) == (64, 256, 0.04)
    # left out on a new pool: 16 cores and 128 GB per GPU, no CPU rate
    new = {"name": "l4-pool", "gpuType": "L4", "capacity": 2, "hourlyCostPerGpu": 1}
    made = (await ok(client, UPSERT, {"input": new}, token=admin_token))["upsertResourcePool"]
    assert (made["cpuCores"], made["memoryGb"], made["hourlyCostPerCpuCore"]) == (32, 256, 0.0)

    bad = {**settings, "cpuCores": -1, "memoryGb": -1, "hourlyCostPerCpuCore": -0.5}
    body = await gql(client, UPSERT, {"input": bad}, token=admin_token)
    assert error_codes(body) == ["VALIDATION_FAILED"]
    assert set(body["errors"][0]["extensions"]["details"]["fields"]) >= {
        "cpuCores",
        "memoryGb",
        "hourlyCostPerCpuCore",
    }


async def test_the_pools_show_their_cores_and_memory(client, make_user):
    _, token = await make_user(Role.DS)
    pools = {row["name"]: row for row in (await ok(client, POOLS, token=token))["resourcePools"]}
    a100 = pools["a100-pool"]
    assert (a100["cpuCores"], a100["cpuAvailable"]) == (256, 256)
    assert (a100["memoryGb"], a100["memoryAvailable"]) == (2048, 2048)
    assert a100["hourlyCostPerCpuCore"] == 0.0


async def test_a_cpu_only_run_waits_in_a_pool_large_enough_for_it(client, services, lab):
    """The CPU pool (8 cores) could never hold a 12-core run: it waits in the one GPU pool
    with 16 cores, and starts there when they free up."""
    owner, token, hypothesis = lab
    await add_pool(services, "cpu-pool", "CPU", 0, cpu_cores=8, memory_gb=32)
    async with services.db.unit_of_work() as session:
        await session.execute(
            update(ResourcePool)
            .where(ResourcePool.name.not_in(["cpu-pool", "a100-pool"]))
            .values(cpu_cores=0)
        )
        await session.execute(
            update(ResourcePool).where(ResourcePool.name == "a100-pool").values(cpu_cores=16)
        )
    big = await create_experiment(services, owner, hypothesis, resources=cpu_only(16))
    later = await create_experiment(services, owner, hypothesis, resources=cpu_only(12))
    first = (await ok(client, START, {"id": str(big.id)}, token=token))["startExperiment"]
    assert first["reservation"]["pool"] == "a100-pool"
    queued = (await ok(client, START, {"id": str(later.id)}, token=token))["startExperiment"]
    assert queued["status"] == "QUEUED" and queued["queue"]["pool"] == "a100-pool"

    await move(services, owner, big, "complete")
    await QueueScheduler(services).run_pass()
    assert (await load(services, later.id)).status is ExperimentStatus.RUNNING
    assert counters(await pool(services, "a100-pool")) == (0, 12, 4)


async def test_a_direct_cpu_only_start_skips_a_pool_where_experiments_wait(client, services, lab):
    """The a100-pool has the most free cores, but a GPU run waits there: a CPU-only start
    goes to the next pool instead of taking from the queue's pool."""
    owner, token, hypothesis = lab
    for _ in range(2):  # all 16 A100s held
        await start(services, owner, await gpu_experiment(services, owner, hypothesis, 8))
    waiting = await gpu_experiment(services, owner, hypothesis, 1)
    assert (await ok(client, START, {"id": str(waiting.id)}, token=token))["startExperiment"][
        "queue"
    ]["pool"] == "a100-pool"
    cpu = await create_experiment(services, owner, hypothesis, resources=cpu_only(2))
    answer = (await ok(client, START, {"id": str(cpu.id)}, token=token))["startExperiment"]
    assert answer["status"] == "RUNNING"
    assert answer["reservation"]["pool"] == "h100-pool"  # 128 free cores, like t4-pool
