"""GPU pools and reservations: reserve on start, release exactly once, extend, expire.

Every change to a pool's ``reserved`` count is one conditional UPDATE, so concurrent starts
can never oversubscribe it (PostgreSQL row locks; SQLite writers are serialised).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import may_manage_users
from app.config import Settings
from app.db import dialect_insert
from app.errors import Forbidden, InvalidTransition, ResourcesUnavailable, ValidationFailed
from app.models import Experiment, User
from app.models.base import utcnow
from app.models.enums import ExperimentStatus
from app.models.resource import Reservation, ResourcePool
from app.validation import name_problem


@dataclass(frozen=True)
class PoolView:
    name: str
    gpu_type: str
    capacity: int
    reserved: int
    hourly_cost_per_gpu: float

    @property
    def available(self) -> int:
        return max(0, self.capacity - self.reserved)


def _view(pool: ResourcePool) -> PoolView:
    return PoolView(
        pool.name, pool.gpu_type, pool.capacity, pool.reserved, pool.hourly_cost_per_gpu
    )


async def list_pools(session: AsyncSession) -> list[PoolView]:
    rows = await session.scalars(select(ResourcePool).order_by(ResourcePool.name))
    return [_view(pool) for pool in rows]


async def seed_pools(session: AsyncSession, settings: Settings) -> None:
    """Create the pools the settings name that do not exist yet (admins edit them after).

    Replicas starting at once on a new database seed the same pools: each insert skips a
    pool another has created meanwhile (``ON CONFLICT DO NOTHING``), so none fails to start.
    """
    if not settings.resource_pools:
        return
    now = utcnow()
    rows = [
        {
            "name": pool.name,
            "gpu_type": pool.gpu_type,
            "capacity": pool.capacity,
            "reserved": 0,
            "hourly_cost_per_gpu": pool.hourly_cost_per_gpu,
            "updated_at": now,
        }
        for pool in settings.resource_pools
    ]
    statement = dialect_insert(session, ResourcePool.__table__).values(rows)
    await session.execute(statement.on_conflict_do_nothing(index_elements=["name"]))


async def upsert_pool(
    session: AsyncSession,
    *,
    actor: User,
    name: str,
    gpu_type: str,
    capacity: int,
    hourly_cost_per_gpu: float,
) -> PoolView:
    """ADMIN only. Lowering capacity below what is reserved keeps running work running."""
    if not may_manage_users(actor):
        raise Forbidden("only an ADMIN may change resource pools")
    errors: dict[str, str] = {}
    if not 1 <= len(name.strip()) <= 100:
        errors["name"] = "must be 1-100 characters"
    elif problem := name_problem(name):
        errors["name"] = problem
    if not 1 <= len(gpu_type.strip()) <= 64:
        errors["gpuType"] = "must be 1-64 characters"
    elif problem := name_problem(gpu_type):
        errors["gpuType"] = problem
    if capacity < 0:
        errors["capacity"] = "must be >= 0"
    if not hourly_cost_per_gpu >= 0:
        errors["hourlyCostPerGpu"] = "must be >= 0"
    if errors:
        raise ValidationFailed(errors)
    # one statement, so two admins creating the same pool at once both succeed (the later
    # one's values win) instead of one failing on the key; what is reserved stays as it is
    edited = {
        "gpu_type": gpu_type.strip(),
        "capacity": capacity,
        "hourly_cost_per_gpu": hourly_cost_per_gpu,
        "updated_at": utcnow(),
    }
    statement = (
        dialect_insert(session, ResourcePool)
        .values(name=name.strip(), reserved=0, **edited)
        .on_conflict_do_update(index_elements=["name"], set_=edited)
        .returning(ResourcePool)
    )
    pool = await session.scalar(statement, execution_options={"populate_existing": True})
    assert pool is not None  # an upsert always returns its row
    return _view(pool)


async def known_gpu_types(session: AsyncSession) -> set[str]:
    return set((await session.scalars(select(ResourcePool.gpu_type).distinct())).all())


async def reserve(
    session: AsyncSession, experiment: Experiment, now: datetime, *, pool_name: str | None = None
) -> None:
    """Hold the experiment's GPUs from a pool of its GPU type, or ``RESOURCES_UNAVAILABLE``.

    CPU-only experiments (0 GPUs) hold nothing. Pools are tried fullest-fit last: the one
    with the most free GPUs first, so load spreads. ``pool_name``: that pool only (the one
    a queued experiment waited for).
    """
    wanted = experiment.gpu_count
    if wanted <= 0:
        return
    query = select(ResourcePool).where(ResourcePool.gpu_type == experiment.gpu_type)
    if pool_name is not None:
        query = query.where(ResourcePool.name == pool_name)
    pools = list(await session.scalars(query))
    pools.sort(key=lambda p: (-(p.capacity - p.reserved), p.name))
    for pool in pools:
        claimed = await session.execute(
            update(ResourcePool)
            .where(
                ResourcePool.name == pool.name,
                ResourcePool.reserved + wanted <= ResourcePool.capacity,
            )
            .values(reserved=ResourcePool.reserved + wanted, updated_at=now)
            .returning(ResourcePool.hourly_cost_per_gpu)
            .execution_options(synchronize_session=False)
        )
        rate = claimed.scalar_one_or_none()
        if rate is not None:
            await session.execute(
                insert(Reservation).values(
                    id=uuid.uuid4(),
                    experiment_id=experiment.id,
                    pool_name=pool.name,
                    gpu_count=wanted,
                    hourly_cost_per_gpu=rate,
                    reserved_at=now,
                    expires_at=now + timedelta(minutes=experiment.max_duration_minutes),
                )
            )
            return
    # what is free now (the pools read above may be stale: a concurrent start took them)
    free = case(
        (
            ResourcePool.capacity > ResourcePool.reserved,
            ResourcePool.capacity - ResourcePool.reserved,
        ),
        else_=0,
    )
    available = int(
        await session.scalar(
            select(func.coalesce(func.sum(free), 0)).where(
                ResourcePool.gpu_type == experiment.gpu_type
            )
        )
        or 0
    )
    raise ResourcesUnavailable(
        f"{wanted} x {experiment.gpu_type} requested, {available} available",
        details={
            "gpuType": experiment.gpu_type,
            "requested": wanted,
            "available": available,
            "pools": [p.name for p in pools],
        },
    )


async def release(session: AsyncSession, experiment_id: uuid.UUID, now: datetime) -> None:
    """Give the GPUs back, once: a second call finds nothing unreleased and does nothing.
    The GPU cost becomes final."""
    released = (
        await session.execute(
            update(Reservation)
            .where(Reservation.experiment_id == experiment_id, Reservation.released_at.is_(None))
            .values(released_at=now)
            .returning(
                Reservation.pool_name,
                Reservation.gpu_count,
                Reservation.hourly_cost_per_gpu,
                Reservation.reserved_at,
            )
            .execution_options(synchronize_session=False)
        )
    ).first()
    if released is None:
        return
    pool_name, gpus, rate, reserved_at = released
    await session.execute(
        update(ResourcePool)
        .where(ResourcePool.name == pool_name)
        .values(reserved=ResourcePool.reserved - gpus, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(Experiment)
        .where(Experiment.id == experiment_id)
        .values(gpu_cost=gpu_cost(gpus, rate, reserved_at, now))
        .execution_options(synchronize_session=False)
    )


def gpu_cost(gpus: int, rate: float, since: datetime, until: datetime) -> float:
    hours = max(0.0, (until - since).total_seconds()) / 3600
    return gpus * rate * hours


async def reservations_by_experiment(
    session: AsyncSession, experiment_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Reservation]:
    """Fresh from the database even in a session that released one meanwhile (the release
    is an UPDATE that does not touch the objects in the session)."""
    rows = await session.scalars(
        select(Reservation)
        .where(Reservation.experiment_id.in_(set(experiment_ids)))
        .execution_options(populate_existing=True)
    )
    return {row.experiment_id: row for row in rows}


async def extend_reservation(
    session: AsyncSession,
    *,
    experiment: Experiment,
    minutes: int,
    settings: Settings,
    now: datetime,
) -> Reservation:
    """Push the expiry back; the whole reservation may last at most the configured maximum.

    The caller checked the actor may act on ``experiment``."""
    if experiment.status is not ExperimentStatus.RUNNING:
        raise InvalidTransition(
            "only a RUNNING experiment's reservation can be extended",
            details={"status": experiment.status.value},
        )
    if not 1 <= minutes <= settings.max_duration_minutes:
        raise ValidationFailed({"minutes": f"must be 1-{settings.max_duration_minutes}"})
    reservation = (
        await session.scalars(
            select(Reservation).where(
                Reservation.experiment_id == experiment.id, Reservation.released_at.is_(None)
            )
        )
    ).one_or_none()
    if reservation is None:
        raise InvalidTransition("this experiment holds no reservation", details={})
    limit = reservation.reserved_at + timedelta(minutes=settings.max_duration_minutes)
    wanted = max(reservation.expires_at, now) + timedelta(minutes=minutes)
    if wanted > limit:
        raise ValidationFailed(
            {"minutes": f"a reservation lasts at most {settings.max_duration_minutes} minutes"}
        )
    reservation.expires_at = wanted
    reservation.warned_at = None  # a new "expires soon" warning is due before the new end
    await session.flush()
    return reservation
