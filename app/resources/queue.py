"""The queue's use cases: join, leave, reorder, admit a start, start a waiting entry.

The queue lives on the experiments' rows: an experiment *waits* while it is QUEUED with
``queued_at`` set; ``queue_pool`` is the pool it waits for (of its GPU type, the largest
when there are several; for a CPU-only run, a pool without GPUs first, else the one with
the most cores: where it would be placed first, ``service.py``), ``priority`` and
``queued_at`` its order (``plan.py``), and ``queue_position`` /
``queue_estimated_start_at`` the scheduler's last plan (``scheduler.py``). A restart
therefore loses nothing: the next pass plans from the rows.

A start never jumps the queue: while anything waits for a pool of its GPU type (for a
CPU-only run: while another CPU-only run waits), a direct start is refused
(``RESOURCES_UNAVAILABLE``; with ``wait`` it joins the queue instead); a direct start is
never placed in a pool where anything waits; and only the scheduler starts waiting
entries, on the one replica that leads it. The per-user and per-hypothesis caps on GPUs
held at once are checked in the start's transaction with the user's and the hypothesis's
rows locked, so concurrent starts cannot exceed them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import experiment_visible, may_raise_priority
from app.config import Settings
from app.errors import Forbidden, InvalidTransition, ResourcesUnavailable, ValidationFailed
from app.events.names import EventType
from app.events.outbox import append_experiment_event
from app.experiments.lifecycle import is_waiting, transition, waiting
from app.experiments.start_hooks import StartHooks
from app.experiments.validators import PRIORITY_RANGE
from app.models import Experiment, Hypothesis, User
from app.models.enums import ExperimentStatus, QueueOrder
from app.models.resource import Reservation, ResourcePool
from app.resources.plan import Caps, Holding, Ordering, Planned, Waiting
from app.resources.service import candidate_pools

PRIORITY_MIN, PRIORITY_MAX = PRIORITY_RANGE

# ``plan.Waiting``'s fields, in its order, as the experiments' columns
_WAITING = (
    Experiment.id,
    Experiment.gpu_count,
    Experiment.max_duration_minutes,
    Experiment.priority,
    Experiment.queued_at,
    Experiment.owner_id,
    Experiment.hypothesis_id,
    Experiment.cpu_cores,
    Experiment.memory_gb,
)


def _entry(row: Any) -> Waiting:
    """The ``Waiting`` of a row starting with ``_WAITING``'s columns."""
    return Waiting(*row[: len(_WAITING)])


# --- priority ------------------------------------------------------------------------


def check_priority(actor: User, priority: int) -> None:
    """``VALIDATION_FAILED`` out of range; ``FORBIDDEN`` above 0 unless TL, CURATOR, ADMIN."""
    if not PRIORITY_MIN <= priority <= PRIORITY_MAX:
        raise ValidationFailed({"priority": f"must be {PRIORITY_MIN}-{PRIORITY_MAX}"})
    if priority > 0 and not may_raise_priority(actor):
        raise Forbidden(f"{actor.role.value} may not set a priority above 0")


async def set_priority(
    session: AsyncSession, *, actor: User, experiment_id: uuid.UUID, priority: int
) -> Experiment:
    """While QUEUED (waiting or not): the place it takes in the queue."""
    from app.experiments.service import filter_state, get_actionable_experiment

    check_priority(actor, priority)
    experiment = await get_actionable_experiment(
        session, actor=actor, experiment_id=experiment_id, lock=True
    )
    if experiment.status is not ExperimentStatus.QUEUED:
        raise _not_queued("set the priority of", experiment)
    previous = filter_state(experiment, ("status",))
    await _update_queued(session, experiment, {"priority": priority})
    await append_experiment_event(session, EventType.EXPERIMENT_UPDATED, experiment, previous)
    return experiment


# --- joining and leaving -------------------------------------------------------------


async def enqueue(
    session: AsyncSession, *, actor: User, experiment_id: uuid.UUID, now: datetime
) -> Experiment:
    """QUEUED → waiting for a pool of its GPU type (a waiting one is left as it is)."""
    from app.experiments.service import filter_state, get_actionable_experiment

    experiment = await get_actionable_experiment(
        session, actor=actor, experiment_id=experiment_id, lock=True
    )
    if experiment.status is not ExperimentStatus.QUEUED:
        raise _not_queued("queue", experiment)
    if experiment.queued_at is not None:
        return experiment
    pool, order = await _pool_for(session, experiment)
    previous = filter_state(experiment, ("status",))
    ordering = Ordering(order)
    mine = ordering.key(_waiting(experiment, queued_at=now))
    others = await session.execute(
        select(*_WAITING).where(waiting(), Experiment.queue_pool == pool)
    )
    ahead = sum(ordering.key(_entry(row)) < mine for row in others.all())
    values = {
        "queued_at": now,
        "queue_pool": pool,
        "queue_position": ahead + 1,  # until the scheduler's next plan
        "queue_estimated_start_at": None,
        "updated_at": now,
    }
    await _update_queued(session, experiment, values)
    await append_experiment_event(session, EventType.EXPERIMENT_UPDATED, experiment, previous)
    return experiment


async def dequeue(session: AsyncSession, *, actor: User, experiment_id: uuid.UUID) -> Experiment:
    """Waiting → plain QUEUED (no longer waiting; it may be started again later)."""
    from app.experiments.service import filter_state, get_actionable_experiment

    experiment = await get_actionable_experiment(
        session, actor=actor, experiment_id=experiment_id, lock=True
    )
    if not is_waiting(experiment):
        raise _not_queued("dequeue", experiment, waiting_needed=True)
    previous = filter_state(experiment, ("status",))
    await _update_queued(session, experiment, LEAVE_QUEUE)
    await append_experiment_event(session, EventType.EXPERIMENT_UPDATED, experiment, previous)
    return experiment


# What leaving the queue clears (a stop too)
LEAVE_QUEUE: dict[str, Any] = {
    "queued_at": None,
    "queue_pool": None,
    "queue_position": None,
    "queue_estimated_start_at": None,
}


def _waiting(experiment: Experiment, *, queued_at: datetime | None = None) -> Waiting:
    """The experiment as a queue entry that joined at ``queued_at`` (None: when it did)."""
    entry = _entry([getattr(experiment, column.key) for column in _WAITING])
    return entry if queued_at is None else replace(entry, queued_at=queued_at)


async def _pool_for(session: AsyncSession, experiment: Experiment) -> tuple[str, QueueOrder]:
    """The pool an experiment waits for, and that pool's order: of its GPU type, the
    largest (then by name); for a CPU-only run, a pool without GPUs first, then the one
    with the most cores. A pool whose capacities can hold the whole request comes first
    (one too small would never start it)."""
    query = select(ResourcePool.name, ResourcePool.queue_order).where(candidate_pools(experiment))
    if experiment.gpu_count > 0:
        order: tuple[Any, ...] = (ResourcePool.capacity.desc(), ResourcePool.name)
    else:
        order = (
            case((ResourcePool.capacity > 0, 1), else_=0),
            ResourcePool.cpu_cores.desc(),
            ResourcePool.name,
        )
    holds_it = and_(
        ResourcePool.capacity >= experiment.gpu_count,
        ResourcePool.cpu_cores >= experiment.cpu_cores,
        ResourcePool.memory_gb >= experiment.memory_gb,
    )
    found = (
        await session.execute(query.order_by(case((holds_it, 0), else_=1), *order).limit(1))
    ).first()
    if found is None:
        what = f"{experiment.gpu_type} GPUs" if experiment.gpu_count > 0 else "CPU-only runs"
        raise ResourcesUnavailable(
            f"no pool of {what} to wait for",
            details={"gpuType": experiment.gpu_type, "requested": experiment.gpu_count},
        )
    return found[0], found[1]


async def _update_queued(
    session: AsyncSession, experiment: Experiment, values: dict[str, Any]
) -> None:
    result = await session.execute(
        update(Experiment)
        .where(Experiment.id == experiment.id, Experiment.status == ExperimentStatus.QUEUED)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(experiment)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise _not_queued("change the queue entry of", experiment)


def _not_queued(
    move: str, experiment: Experiment, *, waiting_needed: bool = False
) -> InvalidTransition:
    state = "not waiting in the queue" if waiting_needed else experiment.status.value
    return InvalidTransition(
        f"cannot {move} an experiment that is {state}",
        details={"status": experiment.status.value, "move": move},
    )


# --- admitting a start (the reservation hook) ----------------------------------------


async def admit(session: AsyncSession, experiment: Experiment, settings: Settings) -> None:
    """Inside a start's transaction, before the resources are reserved:
    ``RESOURCES_UNAVAILABLE`` when a direct start would jump the queue or a cap would be
    exceeded. The scheduler's starts (``queue_pool`` set) skip the first check: they are
    the queue."""
    if experiment.gpu_count <= 0:
        if experiment.queue_pool is None:
            await _no_cpu_only_waiting(session, experiment)
        return  # the caps count GPUs
    if experiment.queue_pool is None:
        ahead = await session.scalar(
            select(func.count())
            .select_from(Experiment)
            .join(ResourcePool, ResourcePool.name == Experiment.queue_pool)
            .where(waiting(), ResourcePool.gpu_type == experiment.gpu_type)
        )
        if ahead:
            raise ResourcesUnavailable(
                f"{ahead} experiment(s) wait for {experiment.gpu_type} GPUs",
                details={
                    "gpuType": experiment.gpu_type,
                    "requested": experiment.gpu_count,
                    "waiting": int(ahead),
                },
            )
    await check_caps(session, experiment, settings)


async def _no_cpu_only_waiting(session: AsyncSession, experiment: Experiment) -> None:
    ahead = await session.scalar(
        select(func.count()).select_from(Experiment).where(waiting(), Experiment.gpu_count == 0)
    )
    if ahead:
        raise ResourcesUnavailable(
            f"{ahead} CPU-only experiment(s) wait",
            details={
                "gpuType": None,
                "requested": 0,
                "cpuCoresRequested": experiment.cpu_cores,
                "memoryGbRequested": experiment.memory_gb,
                "waiting": int(ahead),
            },
        )


async def check_caps(session: AsyncSession, experiment: Experiment, settings: Settings) -> None:
    per_user = settings.max_running_gpus_per_user
    per_hypothesis = settings.max_running_gpus_per_hypothesis
    checks: list[tuple[str, int, Any, Any]] = []
    if per_user:
        checks.append(("user", per_user, User, Experiment.owner_id == experiment.owner_id))
        await _lock(session, User, experiment.owner_id)
    if per_hypothesis:
        checks.append(
            (
                "hypothesis",
                per_hypothesis,
                Hypothesis,
                Experiment.hypothesis_id == experiment.hypothesis_id,
            )
        )
        await _lock(session, Hypothesis, experiment.hypothesis_id)
    for scope, cap, _model, condition in checks:
        held = int(
            await session.scalar(
                select(func.coalesce(func.sum(Reservation.gpu_count), 0))
                .join(Experiment, Experiment.id == Reservation.experiment_id)
                .where(Reservation.released_at.is_(None), condition)
            )
            or 0
        )
        if held + experiment.gpu_count > cap:
            raise ResourcesUnavailable(
                f"the {scope} holds {held} GPUs; at most {cap} at once",
                details={"cap": scope, "held": held, "limit": cap},
            )


async def _lock(session: AsyncSession, model: type[User] | type[Hypothesis], id: uuid.UUID) -> None:
    """Serialise the cap checks of one user / hypothesis (PostgreSQL; SQLite writers are
    serialised already)."""
    await session.execute(select(model.id).where(model.id == id).with_for_update())


# --- the scheduler's side ------------------------------------------------------------


async def start_waiting(
    session: AsyncSession, *, experiment_id: uuid.UUID, hooks: StartHooks, now: datetime
) -> Experiment | None:
    """Waiting → RUNNING, in its pool, with the start hooks (the reservation, the MLflow
    run) and the ``ExperimentStarted`` event. None if it no longer waits; a hook's
    ``RESOURCES_UNAVAILABLE`` (a cap, a pool taken meanwhile) propagates: roll back."""
    experiment = await session.get(Experiment, experiment_id, populate_existing=True)
    if experiment is None:
        return None
    values = {"started_at": now, "last_activity_at": now}
    if not await transition(session, experiment, "start", now=now, values=values, guard=waiting()):
        return None
    await hooks.on_started(session, experiment)
    return experiment


@dataclass(frozen=True)
class PoolState:
    """What a plan for one pool needs, read in one snapshot."""

    name: str
    capacity: int
    reserved: int
    holdings: list[Holding]
    waiting: list[Waiting]
    caps: Caps
    # the scheduler's last plan per waiting entry: (position, estimated start)
    shown: dict[uuid.UUID, tuple[int | None, datetime | None]]
    # the pool's cores and memory (None: not constrained, ``plan.plan``)
    cpu_cores: int | None = None
    cpu_reserved: int = 0
    memory_gb: int | None = None
    memory_reserved: int = 0
    ordering: Ordering = field(default_factory=Ordering)


async def pools_with_waiting(session: AsyncSession) -> list[str]:
    rows = await session.scalars(
        select(Experiment.queue_pool).where(waiting()).distinct().order_by(Experiment.queue_pool)
    )
    return [name for name in rows if name is not None]


async def pool_state(session: AsyncSession, name: str, settings: Settings) -> PoolState | None:
    pool = await session.get(ResourcePool, name, populate_existing=True)
    if pool is None:
        return None
    holdings = [
        Holding(gpus, ends_at, cores, memory)
        for gpus, ends_at, cores, memory in (
            await session.execute(
                select(
                    Reservation.gpu_count,
                    Reservation.expires_at,
                    Reservation.cpu_cores,
                    Reservation.memory_gb,
                ).where(Reservation.pool_name == name, Reservation.released_at.is_(None))
            )
        ).all()
    ]
    shown_columns = (Experiment.queue_position, Experiment.queue_estimated_start_at)
    rows: Sequence[Any] = (
        await session.execute(
            select(*_WAITING, *shown_columns).where(waiting(), Experiment.queue_pool == name)
        )
    ).all()
    entries = [_entry(row) for row in rows]
    shown = {row[0]: (row[-2], row[-1]) for row in rows}
    caps = Caps(settings.max_running_gpus_per_user, settings.max_running_gpus_per_hypothesis)
    if caps.per_user:
        owners = {entry.owner_id for entry in entries}
        caps.user_held.update(await _held_by(session, Experiment.owner_id, owners))
    if caps.per_hypothesis:
        hypotheses = {entry.hypothesis_id for entry in entries}
        caps.hypothesis_held.update(await _held_by(session, Experiment.hypothesis_id, hypotheses))
    return PoolState(
        name,
        pool.capacity,
        pool.reserved,
        holdings,
        entries,
        caps,
        shown,
        cpu_cores=pool.cpu_cores,
        cpu_reserved=pool.cpu_reserved,
        memory_gb=pool.memory_gb,
        memory_reserved=pool.memory_reserved,
        ordering=Ordering(pool.queue_order),
    )


async def _held_by(
    session: AsyncSession, column: Any, keys: set[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """GPUs held now (every pool) per owner or hypothesis of ``keys``."""
    rows = await session.execute(
        select(column, func.sum(Reservation.gpu_count))
        .join(Experiment, Experiment.id == Reservation.experiment_id)
        .where(Reservation.released_at.is_(None), column.in_(keys))
        .group_by(column)
    )
    return {key: int(total) for key, total in rows.all()}


async def write_plan(
    session: AsyncSession, planned: Iterable[Planned], shown: dict[uuid.UUID, Any]
) -> list[uuid.UUID]:
    """Store the positions and estimates that changed; the ids whose entry changed."""
    changed = [
        p
        for p in planned
        if not p.start_now and shown.get(p.experiment_id) != (p.position, p.estimated_start_at)
    ]
    if changed:  # one executemany (ORM bulk UPDATE by primary key, still only if waiting)
        await session.execute(
            update(Experiment).where(waiting()),
            [
                {
                    "id": entry.experiment_id,
                    "queue_position": entry.position,
                    "queue_estimated_start_at": entry.estimated_start_at,
                }
                for entry in changed
            ],
            execution_options={"synchronize_session": None},
        )
    return [entry.experiment_id for entry in changed]


# --- reading -------------------------------------------------------------------------


async def queue_entries(
    session: AsyncSession, *, actor: User, pool_names: Sequence[str]
) -> dict[str, list[Experiment]]:
    """The waiting experiments of each pool the caller may read, in its queue's order
    (their ``queue_position`` counts the ones hidden from the caller too)."""
    names = set(pool_names)
    orders = dict(
        (
            await session.execute(
                select(ResourcePool.name, ResourcePool.queue_order).where(
                    ResourcePool.name.in_(names)
                )
            )
        ).all()
    )
    rows = await session.scalars(
        select(Experiment).where(
            waiting(), Experiment.queue_pool.in_(names), experiment_visible(actor)
        )
    )
    found: dict[str, list[Experiment]] = {name: [] for name in pool_names}
    for row in rows:
        assert row.queue_pool is not None
        found[row.queue_pool].append(row)
    for name, entries in found.items():
        ordering = Ordering(orders.get(name, QueueOrder.FIFO))
        entries.sort(key=lambda row: ordering.key(_waiting(row)))
    return found
