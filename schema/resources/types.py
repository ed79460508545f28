"""GraphQL types of pools, the GPU queue and reservations. A queue entry's experiment is a
lazy reference: ``schema.experiments`` imports this module."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

import schema.enums  # noqa: F401  (registers QueueOrder as the GraphQL enum)
from app.models import Experiment as ExperimentRow
from app.models.enums import QueueOrder
from app.models.resource import Reservation as ReservationRow
from app.resources.queue import queue_entries
from app.resources.service import PoolView
from schema.context import Info

if TYPE_CHECKING:
    from schema.experiments.types import Experiment


@strawberry.type(
    description="A pool's GPUs (capacity / reserved / available), CPU cores and memory "
    "(GB): every reservation holds all three in one pool. CPU-only runs may go to any pool "
    "(pools without GPUs first)."
)
class ResourcePool:
    name: str
    gpu_type: str
    capacity: int
    reserved: int
    available: int
    hourly_cost_per_gpu: float
    cpu_cores: int
    cpu_reserved: int
    cpu_available: int
    memory_gb: int
    memory_reserved: int
    memory_available: int
    hourly_cost_per_cpu_core: float = strawberry.field(
        description="The CPU cost of a reservation grows by its cores x this per hour"
    )
    queue_order: QueueOrder = strawberry.field(
        description="How its waiting experiments are ordered within a priority."
    )

    @strawberry.field(
        description="The experiments waiting for this pool, in the order they will start "
        "(those the caller may read; positions count the others too)."
    )
    async def queue(self, info: Info) -> list[QueueEntry]:
        actor = await info.context.actor()
        async with info.context.reader() as session:
            found = await queue_entries(session, actor=actor, pool_names=[self.name])
        return [entry for row in found[self.name] if (entry := QueueEntry.of(row))]

    @classmethod
    def from_view(cls, pool: PoolView) -> ResourcePool:
        return cls(
            name=pool.name,
            gpu_type=pool.gpu_type,
            capacity=pool.capacity,
            reserved=pool.reserved,
            available=pool.available,
            hourly_cost_per_gpu=pool.hourly_cost_per_gpu,
            cpu_cores=pool.cpu_cores,
            cpu_reserved=pool.cpu_reserved,
            cpu_available=pool.cpu_available,
            memory_gb=pool.memory_gb,
            memory_reserved=pool.memory_reserved,
            memory_available=pool.memory_available,
            hourly_cost_per_cpu_core=pool.hourly_cost_per_cpu_core,
            queue_order=pool.queue_order,
        )


@strawberry.type(description="A waiting experiment's place in a pool's GPU queue.")
class QueueEntry:
    row: strawberry.Private[ExperimentRow]
    pool: str = strawberry.field(description="The pool it waits for.")
    position: int = strawberry.field(description="Its place in the pool's queue, from 1.")
    since: datetime = strawberry.field(description="When it joined the queue.")
    estimated_start_at: datetime | None = strawberry.field(
        description="When it should start if every running reservation lasts to its end; "
        "null when no estimate holds (more GPUs than the pool has, a cap holding it back)."
    )

    @strawberry.field
    def experiment(self) -> Annotated[Experiment, strawberry.lazy("schema.experiments.types")]:
        from schema.experiments.types import Experiment

        return Experiment.from_row(self.row)

    @classmethod
    def of(cls, row: ExperimentRow) -> QueueEntry | None:
        if row.queued_at is None or row.queue_pool is None:
            return None
        return cls(
            row=row,
            pool=row.queue_pool,
            position=row.queue_position or 0,
            since=row.queued_at,
            estimated_start_at=row.queue_estimated_start_at,
        )


@strawberry.type
class Reservation:
    pool: str
    gpu_count: int
    reserved_at: datetime
    expires_at: datetime
    released_at: datetime | None
    hourly_cost_per_gpu: float = strawberry.field(
        description="The pool's rate when it was reserved: the GPU cost grows by "
        "gpuCount x hourlyCostPerGpu per hour until releasedAt."
    )
    cpu_cores: int = strawberry.field(description="The CPU cores it holds")
    memory_gb: int = strawberry.field(description="The memory (GB) it holds")
    hourly_cost_per_cpu_core: float = strawberry.field(
        description="The pool's CPU rate when it was reserved: the CPU cost grows by "
        "cpuCores x hourlyCostPerCpuCore per hour until releasedAt."
    )

    @classmethod
    def from_row(cls, row: ReservationRow) -> Reservation:
        return cls(
            pool=row.pool_name,
            gpu_count=row.gpu_count,
            reserved_at=row.reserved_at,
            expires_at=row.expires_at,
            released_at=row.released_at,
            hourly_cost_per_gpu=row.hourly_cost_per_gpu,
            cpu_cores=row.cpu_cores,
            memory_gb=row.memory_gb,
            hourly_cost_per_cpu_core=row.hourly_cost_per_cpu_core,
        )


@strawberry.input(
    description="A pool's settings. cpuCores / memoryGb / hourlyCostPerCpuCore / queueOrder "
    "left out: a new pool gets 16 cores and 128 GB per GPU, a CPU rate of 0 and FIFO; an "
    "existing pool keeps what it has."
)
class ResourcePoolInput:
    name: str
    gpu_type: str
    capacity: int
    hourly_cost_per_gpu: float
    cpu_cores: int | None = None
    memory_gb: int | None = None
    hourly_cost_per_cpu_core: float | None = None
    queue_order: QueueOrder | None = None
