"""Shared helpers of the resource, notification and stats tests: GPU experiments, pool
and reservation reads, outbox events, and a clock that moves only when told."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from app.experiments.schemas import ResourceRequestData
from app.metrics import service as metrics
from app.metrics.batch import MetricBatch
from app.models import Experiment, Hypothesis, OutboxEvent, User
from app.models.resource import Reservation, ResourcePool
from app.services import Services
from tests.builders import create_experiment

A100_RATE = 2.5  # the a100-pool's hourly cost per GPU in the test settings


def gpus(
    count: int, gpu_type: str = "A100", minutes: int = 60, **overrides: Any
) -> ResourceRequestData:
    return ResourceRequestData(
        gpu_type=gpu_type,
        gpu_count=count,
        cpu_cores=4,
        memory_gb=16,
        max_duration_minutes=minutes,
        **overrides,
    )


async def gpu_experiment(
    services: Services,
    owner: User,
    hypothesis: Hypothesis,
    count: int = 1,
    *,
    gpu_type: str = "A100",
    minutes: int = 60,
    **overrides: Any,
) -> Experiment:
    """A QUEUED experiment asking for ``count`` GPUs of ``gpu_type``."""
    return await create_experiment(
        services, owner, hypothesis, resources=gpus(count, gpu_type, minutes), **overrides
    )


async def add_pool(
    services: Services,
    name: str,
    gpu_type: str,
    capacity: int,
    rate: float = 1.0,
    **cpu_and_memory: Any,
) -> None:
    """``cpu_and_memory``: ``cpu_cores``, ``memory_gb``, ``hourly_cost_per_cpu_core`` (left
    out: the per-GPU defaults, a CPU rate of 0)."""
    async with services.db.unit_of_work() as session:
        session.add(
            ResourcePool(
                name=name,
                gpu_type=gpu_type,
                capacity=capacity,
                reserved=0,
                hourly_cost_per_gpu=rate,
                **cpu_and_memory,
            )
        )


async def pool(services: Services, name: str) -> ResourcePool:
    async with services.db.reader() as session:
        return await session.get_one(ResourcePool, name)


async def reservation_of(services: Services, experiment_id: uuid.UUID) -> Reservation | None:
    async with services.db.reader() as session:
        query = select(Reservation).where(Reservation.experiment_id == experiment_id)
        return (await session.scalars(query)).one_or_none()


async def load(services: Services, experiment_id: uuid.UUID) -> Experiment:
    async with services.db.reader() as session:
        return await session.get_one(Experiment, experiment_id)


async def events(
    services: Services, event_type: str, experiment_id: uuid.UUID | None = None
) -> list[OutboxEvent]:
    query = select(OutboxEvent).where(OutboxEvent.event_type == event_type)
    if experiment_id is not None:
        query = query.where(OutboxEvent.aggregate_id == experiment_id)
    async with services.db.reader() as session:
        return list((await session.scalars(query.order_by(OutboxEvent.id))).all())


async def set_times(services: Services, experiment_id: uuid.UUID, **values: Any) -> None:
    """Overwrite columns of an experiment (known data for stats, times for sorting)."""
    async with services.db.unit_of_work() as session:
        await session.execute(
            update(Experiment).where(Experiment.id == experiment_id).values(**values)
        )


async def move_reservation(services: Services, experiment_id: uuid.UUID, back: timedelta) -> None:
    """Shift a reservation into the past (as if it started ``back`` earlier)."""
    async with services.db.unit_of_work() as session:
        query = select(Reservation).where(Reservation.experiment_id == experiment_id)
        row = (await session.scalars(query)).one()
        row.reserved_at -= back
        row.expires_at -= back


async def log_metric(
    services: Services,
    actor: User,
    experiment: Experiment,
    key: str,
    points: list[tuple[int, float]],
    at: datetime,
) -> None:
    """Log (step, value) points of one key to a RUNNING experiment."""
    batch = MetricBatch(
        keys=[key] * len(points),
        steps=[step for step, _ in points],
        values=[value for _, value in points],
        timestamps=[at + timedelta(seconds=step) for step, _ in points],
    )
    async with services.db.unit_of_work() as session:
        await metrics.ingest_metrics(session, actor=actor, experiment_id=experiment.id, batch=batch)
