"""The resources' root fields: pools, reservations, API costs. The mutations answer with the
experiment, a lazy reference (``schema.experiments`` imports this package)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from app.resources import actions, workflows
from app.resources import service as resources
from schema.context import Info, parse_id
from schema.resources.types import ResourcePool, ResourcePoolInput

if TYPE_CHECKING:
    from schema.experiments.types import Experiment

LazyExperiment = Annotated["Experiment", strawberry.lazy("schema.experiments.types")]


async def resource_pools(info: Info) -> list[ResourcePool]:
    await info.context.actor()
    async with info.context.reader() as session:
        pools = await resources.list_pools(session)
    return [ResourcePool.from_view(pool) for pool in pools]


async def upsert_resource_pool(info: Info, input: ResourcePoolInput) -> ResourcePool:
    actor = await info.context.actor()
    pool = await workflows.upsert_pool(
        info.context.services,
        actor=actor,
        name=input.name,
        gpu_type=input.gpu_type,
        capacity=input.capacity,
        hourly_cost_per_gpu=input.hourly_cost_per_gpu,
        cpu_cores=input.cpu_cores,
        memory_gb=input.memory_gb,
        hourly_cost_per_cpu_core=input.hourly_cost_per_cpu_core,
        queue_order=input.queue_order,
    )
    return ResourcePool.from_view(pool)


async def extend_reservation(
    info: Info, experiment_id: strawberry.ID, minutes: int
) -> LazyExperiment:
    from schema.experiments.types import Experiment

    actor = await info.context.actor()
    async with info.context.transaction() as session:
        row = await actions.extend_reservation(
            session,
            actor=actor,
            experiment_id=parse_id(experiment_id, "experiment"),
            minutes=minutes,
            settings=info.context.settings,
        )
    return Experiment.from_row(row)


async def add_api_cost(
    info: Info, experiment_id: strawberry.ID, amount: float, description: str
) -> LazyExperiment:
    from schema.experiments.types import Experiment

    actor = await info.context.actor()
    row = await workflows.add_api_cost(
        info.context.services,
        actor=actor,
        experiment_id=parse_id(experiment_id, "experiment"),
        amount=amount,
        description=description,
    )
    return Experiment.from_row(row)


@strawberry.type
class ResourceQueries:
    resource_pools: list[ResourcePool] = strawberry.field(
        resolver=resource_pools,
        description="GPU pools with what is reserved and available.",
    )


@strawberry.type
class ResourceMutations:
    upsert_resource_pool: ResourcePool = strawberry.mutation(
        resolver=upsert_resource_pool,
        description="ADMIN only: add or change a GPU pool.",
    )

    extend_reservation: LazyExperiment = strawberry.mutation(
        resolver=extend_reservation,
        description="Push a RUNNING experiment's reservation back (up to the maximum).",
    )

    add_api_cost: LazyExperiment = strawberry.mutation(
        resolver=add_api_cost,
        description="Record an API cost (LLM calls and the like) against an experiment.",
    )
