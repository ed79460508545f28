"""Resource pools: loaded from settings at start, listed with reserved and available,
edited by ADMIN only."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import delete, update

from app.config import PoolSetting, Settings
from app.models.enums import Role
from app.models.resource import ResourcePool
from app.resources.service import list_pools, seed_pools, upsert_pool
from tests.builders import create_hypothesis, start
from tests.graphql import error_codes, gql, ok
from tests.resources.helpers import gpu_experiment, pool

POOLS = "{ resourcePools { name gpuType capacity reserved available hourlyCostPerGpu } }"
UPSERT = """mutation($input: ResourcePoolInput!) {
  upsertResourcePool(input: $input) { name gpuType capacity reserved available hourlyCostPerGpu }
}"""


def by_name(data):
    return {row["name"]: row for row in data["resourcePools"]}


async def test_pools_come_from_the_settings_with_reserved_and_available(
    client, services, make_user
):
    user, token = await make_user(Role.DS)
    pools = by_name(await ok(client, POOLS, token=token))
    assert pools == {
        "a100-pool": {
            "name": "a100-pool",
            "gpuType": "A100",
            "capacity": 16,
            "reserved": 0,
            "available": 16,
            "hourlyCostPerGpu": 2.5,
        },
        "h100-pool": {
            "name": "h100-pool",
            "gpuType": "H100",
            "capacity": 8,
            "reserved": 0,
            "available": 8,
            "hourlyCostPerGpu": 4.0,
        },
        "t4-pool": {
            "name": "t4-pool",
            "gpuType": "T4",
            "capacity": 16,
            "reserved": 0,
            "available": 16,
            "hourlyCostPerGpu": 0.35,
        },
    }
    hypothesis = await create_hypothesis(services, user)
    await start(services, user, await gpu_experiment(services, user, hypothesis, 3))
    await start(
        services, user, await gpu_experiment(services, user, hypothesis, 2, gpu_type="H100")
    )
    pools = by_name(await ok(client, POOLS, token=token))
    assert (pools["a100-pool"]["reserved"], pools["a100-pool"]["available"]) == (3, 13)
    assert (pools["h100-pool"]["reserved"], pools["h100-pool"]["available"]) == (2, 6)
    assert (pools["t4-pool"]["reserved"], pools["t4-pool"]["available"]) == (0, 16)


async def test_the_pool_list_needs_a_token(client, services):
    assert error_codes(await gql(client, POOLS)) == ["UNAUTHENTICATED"]


async def test_an_admin_creates_and_edits_pools(client, services, make_user):
    _, token = await make_user(Role.ADMIN)
    created = await ok(
        client,
        UPSERT,
        {"input": {"name": "l4-pool", "gpuType": "L4", "capacity": 6, "hourlyCostPerGpu": 0.8}},
        token=token,
    )
    assert created["upsertResourcePool"] == {
        "name": "l4-pool",
        "gpuType": "L4",
        "capacity": 6,
        "reserved": 0,
        "available": 6,
        "hourlyCostPerGpu": 0.8,
    }
    edited = await ok(
        client,
        UPSERT,
        {"input": {"name": "a100-pool", "gpuType": "A100", "capacity": 4, "hourlyCostPerGpu": 3}},
        token=token,
    )
    assert edited["upsertResourcePool"]["capacity"] == 4
    assert edited["upsertResourcePool"]["hourlyCostPerGpu"] == 3.0
    pools = by_name(await ok(client, POOLS, token=token))
    assert set(pools) == {"a100-pool", "h100-pool", "t4-pool", "l4-pool"}
    assert pools["a100-pool"]["available"] == 4


async def test_a_new_pool_type_can_be_requested_at_once(client, services, make_user):
    """An experiment may ask for a GPU type an admin added after start."""
    _, admin_token = await make_user(Role.ADMIN)
    await ok(
        client,
        UPSERT,
        {"input": {"name": "l4-pool", "gpuType": "L4", "capacity": 2, "hourlyCostPerGpu": 1}},
        token=admin_token,
    )
    user, _ = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, user)
    running = await start(
        services, user, await gpu_experiment(services, user, hypothesis, 2, gpu_type="L4")
    )
    assert running.status.value == "RUNNING"
    assert (await pool(services, "l4-pool")).reserved == 2


@pytest.mark.parametrize("role", [Role.DS, Role.MLE, Role.TL, Role.CURATOR])
async def test_only_an_admin_may_change_pools(client, services, make_user, role):
    _, token = await make_user(role)
    body = await gql(
        client,
        UPSERT,
        {"input": {"name": "a100-pool", "gpuType": "A100", "capacity": 99, "hourlyCostPerGpu": 0}},
        token=token,
    )
    assert error_codes(body) == ["FORBIDDEN"]
    assert (await pool(services, "a100-pool")).capacity == 16


async def test_pool_input_is_validated(client, services, make_user):
    _, token = await make_user(Role.ADMIN)
    body = await gql(
        client,
        UPSERT,
        {"input": {"name": " ", "gpuType": "", "capacity": -1, "hourlyCostPerGpu": -0.5}},
        token=token,
    )
    assert error_codes(body) == ["VALIDATION_FAILED"]
    fields = body["errors"][0]["extensions"]["details"]["fields"]
    assert set(fields) == {"name", "gpuType", "capacity", "hourlyCostPerGpu"}


async def test_lowering_capacity_below_what_is_reserved_keeps_runs_running(
    client, services, make_user
):
    user, _ = await make_user(Role.DS)
    _, admin_token = await make_user(Role.ADMIN)
    hypothesis = await create_hypothesis(services, user)
    running = await start(services, user, await gpu_experiment(services, user, hypothesis, 4))
    lowered = await ok(
        client,
        UPSERT,
        {"input": {"name": "a100-pool", "gpuType": "A100", "capacity": 2, "hourlyCostPerGpu": 2.5}},
        token=admin_token,
    )
    assert lowered["upsertResourcePool"]["reserved"] == 4
    assert lowered["upsertResourcePool"]["available"] == 0
    assert running.status.value == "RUNNING"


def test_pools_are_read_from_the_environment_as_json(monkeypatch):
    pools = [{"name": "p", "gpu_type": "V100", "capacity": 3, "hourly_cost_per_gpu": 1.25}]
    monkeypatch.setenv("EXPSVC_RESOURCE_POOLS", json.dumps(pools))
    settings = Settings()
    assert [
        (p.name, p.gpu_type, p.capacity, p.hourly_cost_per_gpu) for p in settings.resource_pools
    ] == [("p", "V100", 3, 1.25)]
    assert settings.gpu_types == frozenset({"V100"})


def test_pool_settings_carry_cores_memory_and_the_cpu_rate_with_per_gpu_defaults(monkeypatch):
    pools = [
        {"name": "gpu", "gpu_type": "V100", "capacity": 3, "hourly_cost_per_gpu": 1.25},
        {
            "name": "cpu",
            "gpu_type": "CPU",
            "capacity": 0,
            "hourly_cost_per_gpu": 0,
            "cpu_cores": 96,
            "memory_gb": 384,
            "hourly_cost_per_cpu_core": 0.04,
        },
    ]
    monkeypatch.setenv("EXPSVC_RESOURCE_POOLS", json.dumps(pools))
    gpu, cpu = Settings().resource_pools
    assert (gpu.cpu_cores, gpu.memory_gb, gpu.hourly_cost_per_cpu_core) == (48, 384, 0.0)
    assert (cpu.cpu_cores, cpu.memory_gb, cpu.hourly_cost_per_cpu_core) == (96, 384, 0.04)
    monkeypatch.setenv("EXPSVC_RESOURCE_POOLS", json.dumps([{**pools[1], "cpu_cores": -1}]))
    with pytest.raises(ValidationError):
        Settings()


def test_pools_are_read_from_a_yaml_file(monkeypatch, tmp_path: Path):
    path = tmp_path / "pools.yaml"
    path.write_text(
        "- {name: a, gpu_type: A10, capacity: 2, hourly_cost_per_gpu: 0.5}\n"
        "- {name: b, gpu_type: A10, capacity: 5, hourly_cost_per_gpu: 0.6}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("EXPSVC_RESOURCE_POOLS", str(path))
    assert [p.name for p in Settings().resource_pools] == ["a", "b"]


async def test_seeding_adds_missing_pools_and_keeps_admin_edits(services):
    async with services.db.unit_of_work() as session:
        await session.execute(
            update(ResourcePool).where(ResourcePool.name == "a100-pool").values(capacity=1)
        )
    settings = services.settings.model_copy(
        update={
            "resource_pools": [
                *services.settings.resource_pools,
                PoolSetting(name="new-pool", gpu_type="L4", capacity=3, hourly_cost_per_gpu=1),
            ]
        }
    )
    async with services.db.unit_of_work() as session:
        await seed_pools(session, settings)
    async with services.db.reader() as session:
        pools = {view.name: view for view in await list_pools(session)}
    assert pools["a100-pool"].capacity == 1, "an admin's edit survives a restart"
    assert pools["new-pool"].capacity == 3
    assert pools["new-pool"].reserved == 0


async def test_replicas_seeding_a_new_database_at_once_all_start(services):
    """Two replicas start on a database without pools: the second seeds while the first's
    seeding is not yet committed, so its insert waits for that commit (on PostgreSQL; on
    SQLite its transaction waits) and then skips the pools the first made. It used to fail
    with a duplicate key, and the replica's start with it."""
    async with services.db.unit_of_work() as session:
        await session.execute(delete(ResourcePool))
    settings = services.settings
    first_inserted = asyncio.Event()

    async def first() -> None:
        async with services.db.unit_of_work() as session:
            await seed_pools(session, settings)
            first_inserted.set()
            await asyncio.sleep(0.5)  # uncommitted while the second one seeds

    async def second() -> None:
        await first_inserted.wait()
        async with services.db.unit_of_work() as session:
            await seed_pools(session, settings)

    await asyncio.gather(first(), second())
    async with services.db.reader() as session:
        names = [view.name for view in await list_pools(session)]
    assert names == sorted(pool.name for pool in settings.resource_pools)


async def test_two_admins_creating_the_same_pool_at_once_both_succeed(services, make_user):
    """The second admin's upsert runs while the first's new pool is uncommitted: it waits
    for that commit (its transaction, on SQLite) and then edits the pool. It used to fail
    on the duplicate key."""
    admin, _ = await make_user(Role.ADMIN)
    first_written = asyncio.Event()

    async def create(capacity: int, wait: bool) -> int:
        if wait:
            await first_written.wait()
        async with services.db.unit_of_work() as session:
            view = await upsert_pool(
                session,
                actor=admin,
                name="race-pool",
                gpu_type="L4",
                capacity=capacity,
                hourly_cost_per_gpu=1.5,
            )
            if not wait:
                first_written.set()
                await asyncio.sleep(0.5)  # uncommitted while the second one writes
        return view.capacity

    assert await asyncio.gather(create(2, False), create(5, True)) == [2, 5]
    async with services.db.reader() as session:
        pools = {view.name: view for view in await list_pools(session)}
    assert (pools["race-pool"].capacity, pools["race-pool"].reserved) == (5, 0)
