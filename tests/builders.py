"""Small async builders for tests: hypotheses, experiments and lifecycle moves.

Each builder runs in its own ``services.db.unit_of_work()`` (committed when it returns), so
what it builds is visible to every later request, GraphQL or REST.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.experiments import service as experiments
from app.experiments.schemas import ExperimentCreate, ResourceRequestData
from app.hypotheses import service as hypotheses
from app.models import Experiment, Hypothesis, User
from app.models.enums import ExperimentType, FailureReason
from app.services import Services

# What a test usually does not care about; override any of these by keyword.
EXPERIMENT_DEFAULTS: dict[str, Any] = {
    "name": "exp",
    "type": ExperimentType.ML,
    "model": "xgboost",
    "framework": "sklearn",
    "hyperparams": {},
    "config": {},
    "tags": [],
}


def default_resources() -> ResourceRequestData:
    return ResourceRequestData(gpu_count=0, cpu_cores=1, memory_gb=4, max_duration_minutes=60)


async def create_hypothesis(
    services: Services,
    owner: User,
    *,
    title: str = "H",
    team_lead: User | None = None,
    observers: Iterable[User] = (),
) -> Hypothesis:
    async with services.db.unit_of_work() as session:
        return await hypotheses.create_hypothesis(
            session,
            actor=owner,
            title=title,
            team_lead_id=team_lead.id if team_lead is not None else None,
            observer_ids=[user.id for user in observers],
        )


def experiment_input(hypothesis: Hypothesis, **overrides: Any) -> ExperimentCreate:
    """An ``ExperimentCreate`` with sensible defaults (ML, xgboost/sklearn, no GPU)."""
    values: dict[str, Any] = {
        **EXPERIMENT_DEFAULTS,
        "hypothesis_id": hypothesis.id,
        "resources": default_resources(),
    }
    values.update(overrides)
    return ExperimentCreate(**values)


async def create_experiment(
    services: Services, owner: User, hypothesis: Hypothesis, **overrides: Any
) -> Experiment:
    """A QUEUED experiment owned by ``owner`` (who must be able to see ``hypothesis``)."""
    data = experiment_input(hypothesis, **overrides)
    async with services.db.unit_of_work() as session:
        return await experiments.create_experiment(
            session, actor=owner, data=data, settings=services.settings
        )


async def start(services: Services, actor: User, experiment: Experiment) -> Experiment:
    """QUEUED → RUNNING, with the installation's start hooks."""
    async with services.db.unit_of_work() as session:
        return await experiments.start_experiment(
            session, actor=actor, experiment_id=experiment.id, hooks=services.start_hooks
        )


async def move(
    services: Services,
    actor: User,
    experiment: Experiment,
    to: str,
    *,
    reason: FailureReason = FailureReason.USER_ERROR,
    message: str | None = None,
) -> Experiment:
    """One lifecycle move by name: ``start``, ``complete``, ``fail`` or ``stop``."""
    if to not in {"start", "complete", "fail", "stop"}:
        raise ValueError(f"unknown move {to!r}")
    if to == "start":
        return await start(services, actor, experiment)
    async with services.db.unit_of_work() as session:
        if to == "complete":
            return await experiments.complete_experiment(
                session, actor=actor, experiment_id=experiment.id
            )
        if to == "fail":
            return await experiments.fail_experiment(
                session, actor=actor, experiment_id=experiment.id, reason=reason, message=message
            )
        return await experiments.stop_experiment(
            session, actor=actor, experiment_id=experiment.id, message=message
        )


async def create_running(
    services: Services, owner: User, hypothesis: Hypothesis, **overrides: Any
) -> Experiment:
    """A RUNNING experiment owned by ``owner``."""
    experiment = await create_experiment(services, owner, hypothesis, **overrides)
    return await start(services, owner, experiment)
