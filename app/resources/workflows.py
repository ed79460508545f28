"""Resource workflows: each owns its transaction and, once it has committed, tells the
live feeds (``docs/architecture.md``, "Operations and workflows")."""

from __future__ import annotations

import uuid

from app.experiments.events import publish_cost
from app.models import Experiment, User
from app.models.enums import QueueOrder
from app.resources import actions, service
from app.resources.backing import ResourceBacking
from app.resources.scheduler import publish_pool_change
from app.resources.service import PoolView


async def add_api_cost(
    services: ResourceBacking,
    *,
    actor: User,
    experiment_id: uuid.UUID,
    amount: float,
    description: str,
) -> Experiment:
    """``actions.add_api_cost`` in a unit of work of its own, published after it commits."""
    async with services.db.unit_of_work() as session:
        row = await actions.add_api_cost(
            session,
            actor=actor,
            experiment_id=experiment_id,
            amount=amount,
            description=description,
        )
    publish_cost(services.live, row.id)
    return row


async def upsert_pool(
    services: ResourceBacking,
    *,
    actor: User,
    name: str,
    gpu_type: str,
    capacity: int,
    hourly_cost_per_gpu: float,
    cpu_cores: int | None = None,
    memory_gb: int | None = None,
    hourly_cost_per_cpu_core: float | None = None,
    queue_order: QueueOrder | None = None,
) -> PoolView:
    """``service.upsert_pool`` in a unit of work of its own; after it commits the queue's
    scheduler (on whichever replica) hears that the pool changed: a grown pool may start
    waiting runs."""
    async with services.db.unit_of_work() as session:
        pool = await service.upsert_pool(
            session,
            actor=actor,
            name=name,
            gpu_type=gpu_type,
            capacity=capacity,
            hourly_cost_per_gpu=hourly_cost_per_gpu,
            cpu_cores=cpu_cores,
            memory_gb=memory_gb,
            hourly_cost_per_cpu_core=hourly_cost_per_cpu_core,
            queue_order=queue_order,
        )
    publish_pool_change(services.live, pool.name)
    return pool
