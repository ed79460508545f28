"""Experiments: create, configure, list, and move through the lifecycle.

Every move is one conditional UPDATE (``WHERE status IN (...)``), so two concurrent moves
from the same status never both succeed, and each writes its event to the outbox in the
same transaction.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import experiment_visible, may_act, may_raise_priority
from app.config import Settings
from app.cursors import KeysetPage
from app.errors import (
    Forbidden,
    InvalidTransition,
    NotFound,
    ResourcesUnavailable,
    ValidationFailed,
)
from app.events.names import EventType
from app.events.outbox import append_experiment_event
from app.experiments import queries, validators
from app.experiments.lifecycle import transition
from app.experiments.presets import preset_for
from app.experiments.progress import _units, next_rate
from app.experiments.schemas import (
    MAX_DESCRIPTION,
    ExperimentCreate,
    ExperimentFilterData,
    ExperimentOrderData,
    ExperimentUpdate,
    ProgressData,
    ResourceRequestData,
)
from app.experiments.start_hooks import StartHooks
from app.hypotheses.service import get_visible_hypothesis
from app.models import Experiment, Hypothesis, User
from app.models.base import utcnow
from app.models.enums import ExperimentStatus, FailureReason
from app.models.resource import ResourcePool
from app.validation import check_texts

MAX_PAGE = 500

# The statuses whose configuration may still change (``update_experiment``)
UPDATABLE: frozenset[ExperimentStatus] = frozenset({ExperimentStatus.QUEUED})


Page = KeysetPage[Experiment]


# --- reading -------------------------------------------------------------------------


async def get_experiment(
    session: AsyncSession, *, actor: User, experiment_id: uuid.UUID, lock: bool = False
) -> Experiment:
    """The experiment if the caller may read it; ``NOT_FOUND`` otherwise. ``lock``: its
    row locked until the transaction ends (PostgreSQL; SQLite writers hold the database),
    so what was read is what a change replaces."""
    query = select(Experiment).where(Experiment.id == experiment_id, experiment_visible(actor))
    if lock:
        query = query.with_for_update(of=Experiment).execution_options(populate_existing=True)
    experiment = (await session.scalars(query)).one_or_none()
    if experiment is None:
        raise NotFound("experiment", experiment_id)
    return experiment


async def get_actionable_experiment(
    session: AsyncSession, *, actor: User, experiment_id: uuid.UUID, lock: bool = False
) -> Experiment:
    """The experiment if the caller may act on it: ``NOT_FOUND`` or ``FORBIDDEN`` otherwise."""
    experiment = await get_experiment(session, actor=actor, experiment_id=experiment_id, lock=lock)
    hypothesis = await session.get_one(Hypothesis, experiment.hypothesis_id)
    if not may_act(actor, experiment, hypothesis):
        raise Forbidden(f"{actor.role.value} may not act on experiment {experiment_id}")
    return experiment


async def list_experiments(
    session: AsyncSession,
    *,
    actor: User,
    filter: ExperimentFilterData | None = None,
    order: ExperimentOrderData | None = None,
    first: int = 50,
    after: str | None = None,
) -> Page:
    if not 0 <= first <= MAX_PAGE:
        raise ValidationFailed({"first": f"must be 0-{MAX_PAGE}"})
    order = order or ExperimentOrderData()
    dialect = session.get_bind().dialect.name
    where = queries.filter_clause(filter, dialect)
    visible = experiment_visible(actor)
    cursor = queries.decode_cursor(order, after) if after else None
    # a COST walk computes every page's costs at the moment its first page did
    sort = queries.sort_for(order, dialect, cursor.now if cursor and cursor.now else utcnow())
    query = select(Experiment, sort.expression.label("sort_value")).where(visible, where)
    query = queries.apply_order(query, sort)
    if cursor is not None:
        query = query.where(queries.after_clause(sort, cursor))
    rows = list((await session.execute(query.limit(first + 1))).all())
    count_query = select(func.count()).select_from(Experiment).where(visible, where)
    total = int(await session.scalar(count_query) or 0)
    page = rows[:first]
    items = [row for row, _ in page]
    cursors = [queries.encode_cursor(sort, row, value) for row, value in page]
    return Page(items, cursors, len(rows) > first, total)


async def count_by_status(
    session: AsyncSession, *, actor: User, filter: ExperimentFilterData | None = None
) -> dict[ExperimentStatus, int]:
    where = queries.filter_clause(filter, session.get_bind().dialect.name)
    query = (
        select(Experiment.status, func.count())
        .where(experiment_visible(actor), where)
        .group_by(Experiment.status)
    )
    counts = {status: 0 for status in ExperimentStatus}
    for status, count in (await session.execute(query)).all():
        counts[status] = int(count)
    return counts


async def experiments_by_ids(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Experiment]:
    rows = (await session.scalars(select(Experiment).where(Experiment.id.in_(set(ids))))).all()
    return {row.id: row for row in rows}


async def visible_ids(
    session: AsyncSession, *, actor: User, ids: Sequence[uuid.UUID]
) -> frozenset[uuid.UUID]:
    """Those of ``ids`` the caller may read, in one statement (none for no ids)."""
    if not ids:
        return frozenset()
    query = select(Experiment.id).where(Experiment.id.in_(set(ids)), experiment_visible(actor))
    return frozenset((await session.scalars(query)).all())


async def visible_experiments_by_ids(
    session: AsyncSession, *, actor: User, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Experiment]:
    """Those of ``ids`` the caller may read, in one statement (the others are absent)."""
    if not ids:
        return {}
    query = select(Experiment).where(Experiment.id.in_(set(ids)), experiment_visible(actor))
    return {row.id: row for row in (await session.scalars(query)).all()}


# --- creating and configuring --------------------------------------------------------


async def create_experiment(
    session: AsyncSession,
    *,
    actor: User,
    data: ExperimentCreate,
    settings: Settings,
    use_preset: bool = True,
) -> Experiment:
    """A new QUEUED experiment owned by the caller. ``use_preset``: the type's preset
    fills the hyperparameters not given and checks the known ones; without it (runs of
    the MLflow API, whose params are free text) they are taken as given.

    ``data.parent_id`` nests it in a run: one the caller may read, of the same
    hypothesis, else ``VALIDATION_FAILED`` on ``parentId``."""
    parent_id = data.parent_id
    preset = preset_for(data.type)
    hyperparams = data.hyperparams if data.hyperparams is not None else {}
    if isinstance(hyperparams, dict) and use_preset:
        hyperparams = {**copy.deepcopy(preset.defaults), **hyperparams}
    resources = data.resources or ResourceRequestData(
        gpu_type=preset.default_resources.gpu_type,
        gpu_count=preset.default_resources.gpu_count,
        cpu_cores=preset.default_resources.cpu_cores,
        memory_gb=preset.default_resources.memory_gb,
        max_duration_minutes=preset.default_resources.max_duration_minutes,
    )
    errors = {
        **validators.text_errors("name", data.name, required=True, max_length=200, name=True),
        **validators.text_errors(
            "description", data.description, required=False, max_length=MAX_DESCRIPTION
        ),
        **validators.text_errors("model", data.model, required=True, max_length=200, name=True),
        **validators.text_errors(
            "approach", data.approach, required=False, max_length=200, name=True
        ),
        **validators.text_errors(
            "framework", data.framework, required=True, max_length=100, name=True
        ),
        **validators.hyperparams_errors(data.type, hyperparams, settings, use_preset),
        **validators.document_errors("config", data.config, settings),
        **validators.resources_errors(resources, settings, await _gpu_types(session, settings)),
        **validators.git_errors(data.git),
        **validators.tags_errors(data.tags),
        **validators.priority_errors(data.priority),
    }
    if data.priority > 0 and not may_raise_priority(actor):
        raise Forbidden(f"{actor.role.value} may not set a priority above 0")
    try:
        await get_visible_hypothesis(session, actor=actor, hypothesis_id=data.hypothesis_id)
    except NotFound:
        errors["hypothesisId"] = "no such hypothesis"
    if parent_id is not None:
        errors |= await _parent_errors(session, actor, parent_id, data.hypothesis_id)
    if errors:
        raise ValidationFailed(errors)
    now = utcnow()
    experiment = Experiment(
        id=uuid.uuid4(),
        hypothesis_id=data.hypothesis_id,
        owner_id=actor.id,
        parent_id=parent_id,
        name=data.name.strip(),
        description=data.description,
        status=ExperimentStatus.QUEUED,
        type=data.type,
        model=data.model.strip(),
        approach=data.approach,
        framework=data.framework.strip(),
        hyperparams=hyperparams,
        config=data.config or {},
        tags=validators.clean_tags(data.tags),
        priority=data.priority,
        created_at=now,
        updated_at=now,
        **_resource_columns(resources),
        **_git_columns(data),
    )
    session.add(experiment)
    await session.flush()
    await append_experiment_event(session, EventType.EXPERIMENT_CREATED, experiment)
    return experiment


async def _parent_errors(
    session: AsyncSession, actor: User, parent_id: uuid.UUID, hypothesis_id: uuid.UUID
) -> dict[str, str]:
    """A parent must be an experiment the caller may read, of the same hypothesis."""
    try:
        parent = await get_experiment(session, actor=actor, experiment_id=parent_id)
    except NotFound:
        return {"parentId": "no such experiment"}
    if parent.hypothesis_id != hypothesis_id:
        return {"parentId": "must be an experiment of the same hypothesis"}
    return {}


async def _gpu_types(session: AsyncSession, settings: Settings) -> set[str]:
    """The GPU types a run may ask for: the configured ones and those of the pools."""
    pools = set((await session.scalars(select(ResourcePool.gpu_type).distinct())).all())
    return set(settings.gpu_types) | pools


def _resource_columns(resources: ResourceRequestData) -> dict[str, Any]:
    return {
        "gpu_type": resources.gpu_type,
        "gpu_count": resources.gpu_count,
        "cpu_cores": resources.cpu_cores,
        "memory_gb": resources.memory_gb,
        "max_duration_minutes": resources.max_duration_minutes,
    }


def _git_columns(data: ExperimentCreate | ExperimentUpdate) -> dict[str, Any]:
    git = data.git
    return {
        "git_repo_url": git.repo_url.strip() if git else None,
        "git_commit": git.commit if git else None,
        "git_branch": git.branch if git else None,
    }


async def _update_errors(
    session: AsyncSession,
    experiment: Experiment,
    data: ExperimentUpdate,
    settings: Settings,
    use_preset: bool,
) -> dict[str, str]:
    given = data.model_fields_set
    errors: dict[str, str] = {}
    for field, max_length in (("name", 200), ("model", 200), ("framework", 100)):
        if field in given:
            errors |= validators.text_errors(
                field, getattr(data, field), required=True, max_length=max_length, name=True
            )
    for field, max_length, name in (
        ("description", MAX_DESCRIPTION, False),
        ("approach", 200, True),
    ):
        if field in given:
            errors |= validators.text_errors(
                field, getattr(data, field), required=False, max_length=max_length, name=name
            )
    if "hyperparams" in given:
        errors |= validators.hyperparams_errors(
            experiment.type, data.hyperparams or {}, settings, use_preset
        )
    if "config" in given:
        errors |= validators.document_errors("config", data.config, settings)
    if "resources" in given and data.resources is not None:
        errors |= validators.resources_errors(
            data.resources, settings, await _gpu_types(session, settings)
        )
    if "git" in given:
        errors |= validators.git_errors(data.git)
    if "tags" in given:
        errors |= validators.tags_errors(data.tags)
    return errors


def _update_values(data: ExperimentUpdate) -> dict[str, Any]:
    given = data.model_fields_set
    values: dict[str, Any] = {}
    for field in ("name", "model", "framework"):
        if field in given:
            values[field] = str(getattr(data, field)).strip()
    for field in ("description", "approach"):
        if field in given:
            values[field] = getattr(data, field)
    if "hyperparams" in given:
        values["hyperparams"] = data.hyperparams or {}
    if "config" in given:
        values["config"] = data.config or {}
    if "resources" in given and data.resources is not None:
        values |= _resource_columns(data.resources)
    if "git" in given:
        values |= _git_columns(data)
    if "tags" in given:
        values["tags"] = validators.clean_tags(data.tags)
    return values


async def update_experiment(
    session: AsyncSession,
    *,
    actor: User,
    experiment_id: uuid.UUID,
    data: ExperimentUpdate,
    settings: Settings,
    allowed: frozenset[ExperimentStatus] = UPDATABLE,
    use_preset: bool = True,
) -> Experiment:
    """Change the configuration; only while QUEUED (``INVALID_TRANSITION`` after).

    The MLflow API widens ``allowed`` (params while RUNNING, tags at any time, as MLflow
    records them) and leaves the preset out (``use_preset``, see ``create_experiment``).
    """
    experiment = await get_actionable_experiment(
        session, actor=actor, experiment_id=experiment_id, lock=True
    )
    if experiment.status not in allowed:
        raise _not_allowed("update", experiment.status)
    errors = await _update_errors(session, experiment, data, settings, use_preset)
    if errors:
        raise ValidationFailed(errors)
    previous = filter_state(experiment, queries.CHANGEABLE)
    values = _update_values(data) | {"updated_at": utcnow()}
    await _conditional_update(session, experiment, allowed, values, "update")
    await append_experiment_event(session, EventType.EXPERIMENT_UPDATED, experiment, previous)
    return experiment


def filter_state(experiment: Experiment, fields: Sequence[str]) -> dict[str, Any]:
    """What ``fields`` (of ``queries.CHANGEABLE``) hold now, as an event's ``previous``.

    An update records all of them (later updates may change any); a lifecycle move only
    the status, the one of them that changes after an experiment leaves QUEUED.
    """
    state: dict[str, Any] = {
        "status": experiment.status.value,
        "name": experiment.name,
        "description": experiment.description,
        "model": experiment.model,
        "tags": list(experiment.tags),
    }
    return {name: state[name] for name in fields}


# --- the lifecycle -------------------------------------------------------------------


def _not_allowed(move: str, status: ExperimentStatus) -> InvalidTransition:
    return InvalidTransition(
        f"cannot {move} an experiment that is {status.value}",
        details={"status": status.value, "move": move},
    )


async def _conditional_update(
    session: AsyncSession,
    experiment: Experiment,
    allowed: set[ExperimentStatus] | frozenset[ExperimentStatus],
    values: dict[str, Any],
    move: str,
) -> None:
    """UPDATE … WHERE status IN allowed; lose the race → ``INVALID_TRANSITION``."""
    statement = (
        update(Experiment)
        .where(Experiment.id == experiment.id, Experiment.status.in_(allowed))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(statement)
    await session.refresh(experiment)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise _not_allowed(move, experiment.status)


async def _move(
    session: AsyncSession,
    *,
    actor: User,
    experiment_id: uuid.UUID,
    move: str,
    extra: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> Experiment:
    experiment = await get_actionable_experiment(
        session, actor=actor, experiment_id=experiment_id, lock=True
    )
    if at is not None:
        _check_historical(actor, experiment, move, at)
    if move == "start" and experiment.queued_at is not None:
        raise ResourcesUnavailable(
            "the experiment waits in the queue; the scheduler starts it",
            details={"waiting": True, "position": experiment.queue_position},
        )
    if not await transition(session, experiment, move, now=utcnow(), values=extra, ended_at=at):
        raise _not_allowed(move, experiment.status)
    return experiment


def _check_historical(actor: User, experiment: Experiment, move: str, at: datetime) -> None:
    """A move dated in the past (``at``: an import's run keeps its own start and end) is
    the owner's alone, and never dated in the future or before the start."""
    if experiment.owner_id != actor.id:
        raise Forbidden(f"only the owner may {move} experiment {experiment.id} at a given time")
    if at.tzinfo is None:
        raise ValidationFailed({"at": "must carry a time zone"})
    if at > utcnow():
        raise ValidationFailed({"at": "may not be in the future"})
    if experiment.started_at is not None and at < experiment.started_at:
        raise ValidationFailed({"at": "may not be before the start"})


async def start_experiment(
    session: AsyncSession,
    *,
    actor: User,
    experiment_id: uuid.UUID,
    hooks: StartHooks | None = None,
    at: datetime | None = None,
) -> Experiment:
    """QUEUED → RUNNING. ``hooks`` reserve resources (and open the MLflow run).

    ``at``: the start's time when it was earlier (an imported run's own start; the
    owner's experiments only, ``FORBIDDEN`` otherwise). Its activity is still now, so the
    activity watchdog measures from the import."""
    now = utcnow()
    experiment = await _move(
        session,
        actor=actor,
        experiment_id=experiment_id,
        move="start",
        extra={"started_at": at or now, "last_activity_at": now},
        at=at,
    )
    if hooks is not None:
        await hooks.on_started(session, experiment)
    return experiment


async def complete_experiment(
    session: AsyncSession, *, actor: User, experiment_id: uuid.UUID, at: datetime | None = None
) -> Experiment:
    """RUNNING → COMPLETED; ``at`` as in ``start_experiment`` (the end's time)."""
    return await _move(session, actor=actor, experiment_id=experiment_id, move="complete", at=at)


async def fail_experiment(
    session: AsyncSession,
    *,
    actor: User,
    experiment_id: uuid.UUID,
    reason: FailureReason,
    message: str | None = None,
    at: datetime | None = None,
) -> Experiment:
    check_texts(message=message)
    extra = {"failure_reason": reason, "failure_message": _clip_message(message)}
    return await _move(
        session, actor=actor, experiment_id=experiment_id, move="fail", extra=extra, at=at
    )


async def stop_experiment(
    session: AsyncSession,
    *,
    actor: User,
    experiment_id: uuid.UUID,
    message: str | None = None,
    at: datetime | None = None,
) -> Experiment:
    check_texts(message=message)
    extra = {"failure_message": _clip_message(message)} if message else {}
    return await _move(
        session, actor=actor, experiment_id=experiment_id, move="stop", extra=extra, at=at
    )


def _clip_message(message: str | None) -> str | None:
    if message is None:
        return None
    limit = 10_000
    return message if len(message) <= limit else message[:limit] + "… [truncated]"


async def report_progress(
    session: AsyncSession, *, actor: User, experiment_id: uuid.UUID, data: ProgressData
) -> Experiment:
    """Store progress and update the smoothed rate used for the ETA; RUNNING only.

    A heartbeat (``data.is_heartbeat``: no field sent) only records activity: the rate and
    the time of the last report stay, so the ETA does not drift.
    """
    experiment = await get_actionable_experiment(session, actor=actor, experiment_id=experiment_id)
    if experiment.status is not ExperimentStatus.RUNNING:
        raise _not_allowed("report progress on", experiment.status)
    now = utcnow()
    values: dict[str, Any] = {"last_activity_at": now, "updated_at": now}
    if not data.is_heartbeat:
        values |= _progress_values(experiment, data, now)
    await _conditional_update(
        session, experiment, {ExperimentStatus.RUNNING}, values, "report progress on"
    )
    return experiment


def _progress_values(experiment: Experiment, data: ProgressData, now: datetime) -> dict[str, Any]:
    """The progress columns after a report: the fields sent, the new smoothed rate and the
    report's time (the ETA counts down from it)."""
    merged = {
        "progress_step": _pick(data, "step", experiment.progress_step),
        "progress_total_steps": _pick(data, "total_steps", experiment.progress_total_steps),
        "progress_epoch": _pick(data, "epoch", experiment.progress_epoch),
        "progress_total_epochs": _pick(data, "total_epochs", experiment.progress_total_epochs),
    }
    done, _ = _units(
        merged["progress_step"],
        merged["progress_total_steps"],
        merged["progress_epoch"],
        merged["progress_total_epochs"],
    )
    return merged | {"progress_rate": next_rate(experiment, done, now), "progress_reported_at": now}


def _pick(data: ProgressData, field: str, current: int | None) -> int | None:
    return getattr(data, field) if field in data.model_fields_set else current


def duration_seconds(experiment: Experiment, now: datetime) -> float | None:
    """Finished runs: their final duration; running ones: time since start."""
    if experiment.duration_seconds is not None:
        return experiment.duration_seconds
    if experiment.started_at is None:
        return None
    end = experiment.finished_at or now
    return (end - experiment.started_at).total_seconds()
