"""Pools and reservations: reserve on start, release exactly once, extend, expire.

A reservation holds GPUs, CPU cores and memory (GB) of one pool. Every change to a pool's
reserved counters is one conditional UPDATE over all three (``reserved + n <= capacity AND
cpu_reserved + c <= cpu_cores AND memory_reserved + m <= memory_gb``), so concurrent starts
can never oversubscribe any of them (PostgreSQL row locks; SQLite writers are serialised).

**Placement.** A GPU run goes to a pool of its GPU type, the one with the most free GPUs
first (load spreads). A CPU-only run (0 GPUs; its ``gpuType`` is not used) may go to any
pool: pools without GPUs (CPU pools) first, then the one with the most free cores, so GPU
nodes keep their CPUs for GPU work while a CPU pool has room. Every run, CPU-only too, gets
a reservation, so its ``maxDurationMinutes`` is enforced by the expiry job.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, insert, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import may_manage_users
from app.config import CPU_CORES_PER_GPU, MEMORY_GB_PER_GPU, Settings
from app.db import dialect_insert
from app.errors import Forbidden, ResourcesUnavailable, ValidationFailed
from app.models import Experiment, User
from app.models.base import utcnow
from app.models.enums import ExperimentStatus, QueueOrder
from app.models.resource import Reservation, ResourcePool
from app.validation import name_problem

# The dimensions of a request, as named in RESOURCES_UNAVAILABLE's ``short``
GPUS, CPU_CORES, MEMORY_GB = "gpus", "cpuCores", "memoryGb"


@dataclass(frozen=True)
class PoolView:
    name: str
    gpu_type: str
    capacity: int
    reserved: int
    hourly_cost_per_gpu: float
    cpu_cores: int = 0
    cpu_reserved: int = 0
    memory_gb: int = 0
    memory_reserved: int = 0
    hourly_cost_per_cpu_core: float = 0.0
    queue_order: QueueOrder = QueueOrder.FIFO

    @property
    def available(self) -> int:
        return max(0, self.capacity - self.reserved)

    @property
    def cpu_available(self) -> int:
        return max(0, self.cpu_cores - self.cpu_reserved)

    @property
    def memory_available(self) -> int:
        return max(0, self.memory_gb - self.memory_reserved)


def _view(pool: ResourcePool) -> PoolView:
    return PoolView(
        pool.name,
        pool.gpu_type,
        pool.capacity,
        pool.reserved,
        pool.hourly_cost_per_gpu,
        pool.cpu_cores,
        pool.cpu_reserved,
        pool.memory_gb,
        pool.memory_reserved,
        pool.hourly_cost_per_cpu_core,
        pool.queue_order,
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
            "cpu_cores": pool.cpu_cores,
            "cpu_reserved": 0,
            "memory_gb": pool.memory_gb,
            "memory_reserved": 0,
            "hourly_cost_per_cpu_core": pool.hourly_cost_per_cpu_core,
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
    cpu_cores: int | None = None,
    memory_gb: int | None = None,
    hourly_cost_per_cpu_core: float | None = None,
    queue_order: QueueOrder | None = None,
) -> PoolView:
    """ADMIN only. Lowering a capacity below what is reserved keeps running work running.

    ``cpu_cores`` / ``memory_gb`` / ``hourly_cost_per_cpu_core`` / ``queue_order`` left out
    (None): a new pool gets ``CPU_CORES_PER_GPU`` cores and ``MEMORY_GB_PER_GPU`` GB per
    GPU, a CPU rate of 0 and FIFO; an existing pool keeps what it has. A new order applies
    from the scheduler's next plan of the pool, which the change wakes
    (``workflows.upsert_pool``)."""
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
    if cpu_cores is not None and cpu_cores < 0:
        errors["cpuCores"] = "must be >= 0"
    if memory_gb is not None and memory_gb < 0:
        errors["memoryGb"] = "must be >= 0"
    if hourly_cost_per_cpu_core is not None and not hourly_cost_per_cpu_core >= 0:
        errors["hourlyCostPerCpuCore"] = "must be >= 0"
    if errors:
        raise ValidationFailed(errors)
    # one statement, so two admins creating the same pool at once both succeed (the later
    # one's values win) instead of one failing on the key; what is reserved stays as it is
    edited: dict[str, object] = {
        "gpu_type": gpu_type.strip(),
        "capacity": capacity,
        "hourly_cost_per_gpu": hourly_cost_per_gpu,
        "updated_at": utcnow(),
    }
    given = {
        "cpu_cores": cpu_cores,
        "memory_gb": memory_gb,
        "hourly_cost_per_cpu_core": hourly_cost_per_cpu_core,
        "queue_order": queue_order,
    }
    edited.update({key: value for key, value in given.items() if value is not None})
    created = {
        "cpu_cores": capacity * CPU_CORES_PER_GPU,
        "memory_gb": capacity * MEMORY_GB_PER_GPU,
        "hourly_cost_per_cpu_core": 0.0,
        "queue_order": QueueOrder.FIFO,
        **edited,
    }
    statement = (
        dialect_insert(session, ResourcePool)
        .values(name=name.strip(), reserved=0, cpu_reserved=0, memory_reserved=0, **created)
        .on_conflict_do_update(index_elements=["name"], set_=edited)
        .returning(ResourcePool)
    )
    pool = await session.scalar(statement, execution_options={"populate_existing": True})
    assert pool is not None  # an upsert always returns its row
    return _view(pool)


@dataclass(frozen=True)
class Request:
    """What a run holds: GPUs, CPU cores, memory (GB)."""

    gpus: int
    cpu_cores: int
    memory_gb: int

    @classmethod
    def of(cls, experiment: Experiment) -> Request:
        return cls(max(0, experiment.gpu_count), experiment.cpu_cores, experiment.memory_gb)

    def short_in(self, pool: ResourcePool) -> list[str]:
        """The dimensions ``pool`` has too little of now."""
        free = (
            pool.capacity - pool.reserved,
            pool.cpu_cores - pool.cpu_reserved,
            pool.memory_gb - pool.memory_reserved,
        )
        wanted = (self.gpus, self.cpu_cores, self.memory_gb)
        names = (GPUS, CPU_CORES, MEMORY_GB)
        return [name for name, want, has in zip(names, wanted, free, strict=True) if want > has]


def _fits(request: Request) -> ColumnElement[bool]:
    """The pool has room for ``request`` on every dimension (the guard of the claim)."""
    return and_(
        ResourcePool.reserved + request.gpus <= ResourcePool.capacity,
        ResourcePool.cpu_reserved + request.cpu_cores <= ResourcePool.cpu_cores,
        ResourcePool.memory_reserved + request.memory_gb <= ResourcePool.memory_gb,
    )


def candidate_pools(experiment: Experiment) -> ColumnElement[bool]:
    """The pools a run may be placed in (module docstring): of its GPU type, or any for a
    CPU-only run."""
    if experiment.gpu_count > 0:
        return ResourcePool.gpu_type == experiment.gpu_type
    return true()


def _nobody_waits() -> ColumnElement[bool]:
    """No experiment waits in the pool (a direct start never takes from a queue)."""
    return ~exists().where(
        Experiment.queue_pool == ResourcePool.name,
        Experiment.status == ExperimentStatus.QUEUED,
        Experiment.queued_at.is_not(None),
    )


def _preference(pool: ResourcePool, cpu_only: bool) -> tuple[object, ...]:
    if cpu_only:  # CPU pools first, then the most free cores
        return (pool.capacity > 0, -(pool.cpu_cores - pool.cpu_reserved), pool.name)
    return (-(pool.capacity - pool.reserved), -(pool.cpu_cores - pool.cpu_reserved), pool.name)


async def reserve(
    session: AsyncSession, experiment: Experiment, now: datetime, *, pool_name: str | None = None
) -> None:
    """Hold the experiment's GPUs, CPU cores and memory in one pool it may be placed in
    (module docstring), or ``RESOURCES_UNAVAILABLE`` saying which dimension is short.

    ``pool_name``: that pool only (the one a queued experiment waited for). Otherwise a
    pool where experiments wait is skipped (they come first)."""
    request = Request.of(experiment)
    cpu_only = request.gpus == 0
    query = select(ResourcePool).where(candidate_pools(experiment))
    if pool_name is not None:
        query = query.where(ResourcePool.name == pool_name)
    else:
        query = query.where(_nobody_waits())
    pools = list(await session.scalars(query))
    pools.sort(key=lambda p: _preference(p, cpu_only))
    for pool in pools:
        claimed = await session.execute(
            update(ResourcePool)
            .where(ResourcePool.name == pool.name, _fits(request))
            .values(
                reserved=ResourcePool.reserved + request.gpus,
                cpu_reserved=ResourcePool.cpu_reserved + request.cpu_cores,
                memory_reserved=ResourcePool.memory_reserved + request.memory_gb,
                updated_at=now,
            )
            .returning(ResourcePool.hourly_cost_per_gpu, ResourcePool.hourly_cost_per_cpu_core)
            .execution_options(synchronize_session=False)
        )
        rates = claimed.first()
        if rates is not None:
            gpu_rate, cpu_rate = rates
            await session.execute(
                insert(Reservation).values(
                    id=uuid.uuid4(),
                    experiment_id=experiment.id,
                    pool_name=pool.name,
                    gpu_count=request.gpus,
                    hourly_cost_per_gpu=gpu_rate,
                    cpu_cores=request.cpu_cores,
                    memory_gb=request.memory_gb,
                    hourly_cost_per_cpu_core=cpu_rate,
                    reserved_at=now,
                    expires_at=now + timedelta(minutes=experiment.max_duration_minutes),
                )
            )
            return
    raise await _unavailable(session, experiment, request, [p.name for p in pools])


async def _unavailable(
    session: AsyncSession, experiment: Experiment, request: Request, tried: list[str]
) -> ResourcesUnavailable:
    """The refusal, from what is free now (the pools read before may be stale: a
    concurrent start took them). ``short``: the dimensions no pool tried has enough of
    (when each fits somewhere but never all in one pool: every dimension short
    somewhere); ``shortByPool``: per pool tried; ``available``: the free GPUs of the
    candidate pools, ``cpuCoresAvailable`` / ``memoryGbAvailable``: the most free in one
    pool tried."""
    fresh = list(
        await session.scalars(
            select(ResourcePool)
            .where(candidate_pools(experiment))
            .order_by(ResourcePool.name)
            .execution_options(populate_existing=True)
        )
    )
    by_pool = {pool.name: request.short_in(pool) for pool in fresh if pool.name in tried}
    short = [
        name
        for name in (GPUS, CPU_CORES, MEMORY_GB)
        if by_pool and all(name in dims for dims in by_pool.values())
    ] or sorted({name for dims in by_pool.values() for name in dims})
    gpus_free = sum(max(0, p.capacity - p.reserved) for p in fresh)
    in_one = [p for p in fresh if p.name in tried] or fresh  # the most free in one pool
    cores_free = max((max(0, p.cpu_cores - p.cpu_reserved) for p in in_one), default=0)
    memory_free = max((max(0, p.memory_gb - p.memory_reserved) for p in in_one), default=0)
    what = f"{request.cpu_cores} CPU cores, {request.memory_gb} GB"
    if request.gpus:
        what = f"{request.gpus} x {experiment.gpu_type}, {what}"
    if not tried:
        reason = "no pool to place it in (or experiments wait in every pool)"
    else:
        reason = "short of " + ", ".join(short or [GPUS])
    return ResourcesUnavailable(
        f"{what} requested; {reason} ({gpus_free} GPUs free; at most {cores_free} cores "
        f"and {memory_free} GB free in one pool)",
        details={
            "gpuType": experiment.gpu_type if request.gpus else None,
            "requested": request.gpus,
            "available": gpus_free if request.gpus else 0,
            "cpuCoresRequested": request.cpu_cores,
            "cpuCoresAvailable": cores_free,
            "memoryGbRequested": request.memory_gb,
            "memoryGbAvailable": memory_free,
            "short": short,
            "shortByPool": by_pool,
            "pools": tried,
        },
    )


async def release(session: AsyncSession, experiment_id: uuid.UUID, now: datetime) -> None:
    """Give the GPUs, cores and memory back, once: a second call finds nothing unreleased
    and does nothing. The GPU and CPU costs become final."""
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
                Reservation.cpu_cores,
                Reservation.memory_gb,
                Reservation.hourly_cost_per_cpu_core,
            )
            .execution_options(synchronize_session=False)
        )
    ).first()
    if released is None:
        return
    pool_name, gpus, rate, reserved_at, cores, memory, cpu_rate = released
    await session.execute(
        update(ResourcePool)
        .where(ResourcePool.name == pool_name)
        .values(
            reserved=ResourcePool.reserved - gpus,
            cpu_reserved=ResourcePool.cpu_reserved - cores,
            memory_reserved=ResourcePool.memory_reserved - memory,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(Experiment)
        .where(Experiment.id == experiment_id)
        .values(
            gpu_cost=gpu_cost(gpus, rate, reserved_at, now),
            cpu_cost=cpu_cost(cores, cpu_rate, reserved_at, now),
        )
        .execution_options(synchronize_session=False)
    )


def gpu_cost(gpus: int, rate: float, since: datetime, until: datetime) -> float:
    hours = max(0.0, (until - since).total_seconds()) / 3600
    return gpus * rate * hours


def cpu_cost(cores: int, rate: float, since: datetime, until: datetime) -> float:
    """Cores x the rate per core-hour x the reserved hours (the same rule as GPUs)."""
    return gpu_cost(cores, rate, since, until)


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
