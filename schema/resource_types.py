"""GraphQL types of pools, reservations, costs and notifications."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from app.models.notification import Notification as NotificationRow
from app.models.resource import Reservation as ReservationRow
from app.resources.costs import CostView
from app.resources.service import PoolView
from schema.context import Info

if TYPE_CHECKING:
    from schema.types import QueueEntry


@strawberry.type
class ResourcePool:
    name: str
    gpu_type: str
    capacity: int
    reserved: int
    available: int
    hourly_cost_per_gpu: float

    @strawberry.field(
        description="The experiments waiting for this pool, in the order they will start "
        "(those the caller may read; positions count the others too)."
    )
    async def queue(
        self, info: Info
    ) -> list[Annotated[QueueEntry, strawberry.lazy("schema.types")]]:
        from app.resources.queue import queue_entries
        from schema.types import QueueEntry

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

    @classmethod
    def from_row(cls, row: ReservationRow) -> Reservation:
        return cls(
            pool=row.pool_name,
            gpu_count=row.gpu_count,
            reserved_at=row.reserved_at,
            expires_at=row.expires_at,
            released_at=row.released_at,
            hourly_cost_per_gpu=row.hourly_cost_per_gpu,
        )


@strawberry.type(description="GPU cost grows while the experiment runs; final at release.")
class Cost:
    gpu: float
    api: float
    total: float
    currency: str

    @classmethod
    def from_view(cls, cost: CostView) -> Cost:
        return cls(gpu=cost.gpu, api=cost.api, total=cost.total, currency=cost.currency)


@strawberry.input
class ResourcePoolInput:
    name: str
    gpu_type: str
    capacity: int
    hourly_cost_per_gpu: float


@strawberry.type
class NotificationFields:
    """The scalar part of ``Notification`` (``schema.types`` adds ``experiment``)."""

    row: strawberry.Private[NotificationRow]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @strawberry.field
    def kind(self) -> str:
        return self.row.kind

    @strawberry.field
    def message(self) -> str:
        return self.row.message

    @strawberry.field
    def created_at(self) -> datetime:
        return self.row.created_at

    @strawberry.field
    def read_at(self) -> datetime | None:
        return self.row.read_at
