"""The import's use cases: begin (find or create the run's experiment, started at the
run's own time) and finish (its final status at the run's own end). Everything between —
metrics, logs, artifacts — goes through the ordinary use cases, as any client's would.

Permission: the caller imports into its own experiments only. A run is found again by
(caller, W&B project, W&B run id), so importing it twice finds the first experiment.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.errors import Forbidden, NotFound
from app.experiments import service as experiments
from app.experiments.schemas import ExperimentCreate, ExperimentUpdate, Input, ResourceRequestData
from app.experiments.start_hooks import StartHooks
from app.hypotheses.service import create_hypothesis
from app.models import Experiment, Hypothesis, User, WandbImport
from app.models.enums import ExperimentStatus, ExperimentType, FailureReason
from app.validation import UtcDateTime

FRAMEWORK = "wandb"


class ImportRunData(Input):
    """One W&B run to bring in: who it is in W&B and what its experiment holds."""

    project: str = Field(min_length=1, max_length=200)
    run_id: str = Field(min_length=1, max_length=200)
    entity: str = Field(default="", max_length=200)
    hypothesis_title: str | None = Field(
        default=None,
        description="The hypothesis to import into (the caller's, made when "
        "missing); the W&B project's name when not given",
    )
    name: str
    description: str | None = None
    model: str = "unknown"
    type: ExperimentType = ExperimentType.ML
    hyperparams: dict[str, Any] = Field(default_factory=dict)
    config: dict[str, Any] = Field(default_factory=dict)
    tags: list[str] = Field(default_factory=list)
    started_at: UtcDateTime


class FinishImportData(Input):
    status: Literal["COMPLETED", "FAILED", "STOPPED"]
    finished_at: UtcDateTime
    message: str | None = None
    hyperparams: dict[str, Any] | None = Field(
        default=None, description="The run's final config (it may have changed after the start)"
    )
    wandb: dict[str, Any] | None = Field(
        default=None,
        description="Merged into `config.wandb`: what W&B knew at the end (summary, exit code, "
        "runtime)",
    )


@dataclass
class Begun:
    experiment: Experiment
    created: bool


async def find_import(
    session: AsyncSession, *, actor: User, project: str, run_id: str
) -> Experiment | None:
    """The experiment this caller's earlier import of the run made, if any."""
    query = select(Experiment).join(WandbImport, WandbImport.experiment_id == Experiment.id)
    query = query.where(
        WandbImport.owner_id == actor.id,
        WandbImport.project == project,
        WandbImport.run_id == run_id,
    )
    return (await session.scalars(query)).one_or_none()


async def _hypothesis_for(session: AsyncSession, actor: User, title: str) -> Hypothesis:
    """The caller's own hypothesis of that title (the oldest), else a new one."""
    query = (
        select(Hypothesis)
        .where(Hypothesis.owner_id == actor.id, Hypothesis.title == title.strip())
        .order_by(Hypothesis.created_at, Hypothesis.id)
        .limit(1)
    )
    found = (await session.scalars(query)).one_or_none()
    if found is not None:
        return found
    return await create_hypothesis(session, actor=actor, title=title)


async def begin_import(
    session: AsyncSession,
    *,
    actor: User,
    data: ImportRunData,
    settings: Settings,
    hooks: StartHooks | None,
) -> Begun:
    """The run's experiment: the one an earlier import made (``created`` false, left as
    it is), or a new one owned by the caller, RUNNING since the run's start. The run
    computed elsewhere, long ago: it holds nothing of our pools (``hooks`` without the
    reservation)."""
    existing = await find_import(session, actor=actor, project=data.project, run_id=data.run_id)
    if existing is not None:
        return Begun(existing, created=False)
    hypothesis = await _hypothesis_for(session, actor, data.hypothesis_title or data.project)
    created = await experiments.create_experiment(
        session,
        actor=actor,
        data=ExperimentCreate(
            hypothesis_id=hypothesis.id,
            name=data.name,
            description=data.description,
            type=data.type,
            model=data.model,
            framework=FRAMEWORK,
            hyperparams=data.hyperparams,
            config=data.config,
            tags=data.tags,
            resources=ResourceRequestData(gpu_count=0),
        ),
        settings=settings,
        use_preset=False,
    )
    session.add(
        WandbImport(
            experiment_id=created.id,
            owner_id=actor.id,
            entity=data.entity,
            project=data.project,
            run_id=data.run_id,
        )
    )
    await session.flush()
    started = await experiments.start_experiment(
        session,
        actor=actor,
        experiment_id=created.id,
        hooks=hooks.without_reservation() if hooks is not None else None,
        at=data.started_at,
    )
    return Begun(started, created=True)


async def finish_import(
    session: AsyncSession,
    *,
    actor: User,
    experiment_id: uuid.UUID,
    data: FinishImportData,
    settings: Settings,
) -> Experiment:
    """The imported run's final configuration (``update_experiment``, allowed while
    RUNNING here, as the MLflow API allows params) and final status at its own end time,
    in one transaction: the caller's imports only."""
    # one the caller may not read is missing to it, as everywhere
    current = await experiments.get_experiment(session, actor=actor, experiment_id=experiment_id)
    link = await session.get(WandbImport, experiment_id)
    if link is None:
        raise NotFound("wandb import", experiment_id)
    if link.owner_id != actor.id:
        raise Forbidden("only the importer may finish an imported run")
    changes: dict[str, Any] = {}
    if data.hyperparams is not None:
        changes["hyperparams"] = data.hyperparams
    if data.wandb is not None and current.status is ExperimentStatus.RUNNING:
        config = dict(current.config or {})
        config["wandb"] = {**dict(config.get("wandb") or {}), **data.wandb}
        changes["config"] = config
    if changes and current.status is ExperimentStatus.RUNNING:
        await experiments.update_experiment(
            session,
            actor=actor,
            experiment_id=experiment_id,
            data=ExperimentUpdate(**changes),
            settings=settings,
            allowed=frozenset({ExperimentStatus.RUNNING}),
            use_preset=False,
        )
    at: datetime = data.finished_at
    if data.status == "COMPLETED":
        return await experiments.complete_experiment(
            session, actor=actor, experiment_id=experiment_id, at=at
        )
    if data.status == "FAILED":
        return await experiments.fail_experiment(
            session,
            actor=actor,
            experiment_id=experiment_id,
            reason=FailureReason.USER_ERROR,
            message=data.message,
            at=at,
        )
    return await experiments.stop_experiment(
        session, actor=actor, experiment_id=experiment_id, message=data.message, at=at
    )
