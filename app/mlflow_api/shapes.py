"""Our objects in MLflow's JSON shapes: a hypothesis as an MLflow experiment, an
experiment as an MLflow run (``info`` + ``data``: latest metrics, params, tags).

A run's tags are the MLflow tags stored for it (``mlflow_tags``, exactly as set), with the
system tags that name one of our fields read from that field, so a rename in the console
shows in MLflow too: ``mlflow.runName`` (name), ``mlflow.note.content`` (description),
``mlflow.source.git.commit`` / ``.repoURL`` / ``.branch`` (the git ref) and
``mlflow.parentRunId`` (the parent).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import String, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession

from app.mlflow_terms import metric_value, params_of_hyperparams
from app.mlflow_terms import millis as exact_millis
from app.models import Experiment, Hypothesis, MetricSeries, User
from app.models.enums import ExperimentStatus
from app.models.mlflow_tracking import mlflow_deleted_runs, mlflow_tags

RUN_STATUS = {
    ExperimentStatus.QUEUED: "SCHEDULED",
    ExperimentStatus.RUNNING: "RUNNING",
    ExperimentStatus.COMPLETED: "FINISHED",
    ExperimentStatus.FAILED: "FAILED",
    ExperimentStatus.STOPPED: "KILLED",
}
ACTIVE = "active"
DELETED = "deleted"


# What a run's JSON reads of our experiment: searches select these columns alone, not the
# whole row (``RunRow`` is what either gives)
RUN_COLUMNS = (
    Experiment.id,
    Experiment.hypothesis_id,
    Experiment.owner_id,
    Experiment.parent_id,
    Experiment.name,
    Experiment.description,
    Experiment.status,
    Experiment.hyperparams,
    Experiment.git_repo_url,
    Experiment.git_commit,
    Experiment.git_branch,
    Experiment.created_at,
    Experiment.started_at,
    Experiment.finished_at,
)


class RunRow(Protocol):
    @property
    def id(self) -> uuid.UUID: ...
    @property
    def hypothesis_id(self) -> uuid.UUID: ...
    @property
    def owner_id(self) -> uuid.UUID: ...
    @property
    def parent_id(self) -> uuid.UUID | None: ...
    @property
    def name(self) -> str: ...
    @property
    def description(self) -> str | None: ...
    @property
    def status(self) -> ExperimentStatus: ...
    @property
    def hyperparams(self) -> dict[str, Any]: ...
    @property
    def git_repo_url(self) -> str | None: ...
    @property
    def git_commit(self) -> str | None: ...
    @property
    def git_branch(self) -> str | None: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def started_at(self) -> datetime | None: ...
    @property
    def finished_at(self) -> datetime | None: ...


def millis(moment: datetime | None) -> int | None:
    return None if moment is None else exact_millis(moment)


def field_tags(row: RunRow) -> dict[str, str]:
    """The system tags our fields hold (see the module's docstring)."""
    tags = {"mlflow.runName": row.name}
    optional = {
        "mlflow.note.content": row.description,
        "mlflow.source.git.commit": row.git_commit,
        "mlflow.source.git.repoURL": row.git_repo_url,
        "mlflow.source.git.branch": row.git_branch,
        "mlflow.parentRunId": str(row.parent_id) if row.parent_id else None,
    }
    tags.update({key: value for key, value in optional.items() if value is not None})
    return tags


def artifact_uri(row: RunRow) -> str:
    """Where the ``mlflow`` client puts a run's artifacts: our artifact proxy routes
    (``app/mlflow_api/artifacts.py``) read the run back from this path."""
    return f"mlflow-artifacts:/{row.hypothesis_id}/{row.id}/artifacts"


def experiment_json(hypothesis: Hypothesis) -> dict[str, Any]:
    created = millis(hypothesis.created_at)
    return {
        "experiment_id": str(hypothesis.id),
        "name": hypothesis.title,
        "artifact_location": f"mlflow-artifacts:/{hypothesis.id}",
        "lifecycle_stage": ACTIVE,
        "creation_time": created,
        "last_update_time": created,
        "tags": [],
    }


def metric_json(
    key: str, value: float | None, stamp: datetime | None, step: int | None
) -> dict[str, Any]:
    """One metric point as MLflow's JSON (a stored NaN is None here)."""
    return {"key": key, "value": metric_value(value), "timestamp": millis(stamp), "step": step}


def run_info_json(row: RunRow, owner: str, deleted: bool) -> dict[str, Any]:
    return {
        "run_id": str(row.id),
        "run_uuid": str(row.id),
        "run_name": row.name,
        "experiment_id": str(row.hypothesis_id),
        "user_id": owner,
        "status": RUN_STATUS[row.status],
        "start_time": millis(row.started_at or row.created_at),
        "end_time": millis(row.finished_at),
        "artifact_uri": artifact_uri(row),
        "lifecycle_stage": DELETED if deleted else ACTIVE,
    }


def _raw(column: Any) -> Any:
    """An id column as the driver gives it, without a ``uuid.UUID`` built per row (the
    cost of a page of a thousand runs on SQLite, which stores ids as 32 hex digits)."""
    return type_coerce(column, String())


def _positions(rows: Sequence[RunRow]) -> dict[Any, int]:
    """Each run's place in ``rows`` under both forms a raw id takes: asyncpg's UUID (equal
    to ours) and SQLite's hex text."""
    positions: dict[Any, int] = {}
    for position, row in enumerate(rows):
        positions[row.id] = positions[row.id.hex] = position
    return positions


async def runs_json(session: AsyncSession, rows: Sequence[RunRow]) -> list[dict[str, Any]]:
    """Runs as MLflow's ``Run`` JSON, with a fixed number of statements for any count."""
    if not rows:
        return []
    ids = [row.id for row in rows]
    at = _positions(rows)
    tags: list[dict[str, str]] = [{} for _ in rows]
    tag_rows = await session.execute(
        select(_raw(mlflow_tags.c.experiment_id), mlflow_tags.c.key, mlflow_tags.c.value).where(
            mlflow_tags.c.experiment_id.in_(ids)
        )
    )
    for experiment_id, key, value in tag_rows:
        tags[at[experiment_id]][key] = value
    deleted = {
        at[raw]
        for raw in await session.scalars(
            select(_raw(mlflow_deleted_runs.c.experiment_id)).where(
                mlflow_deleted_runs.c.experiment_id.in_(ids)
            )
        )
    }
    owner_ids = {row.owner_id for row in rows}
    emails = await session.execute(select(User.id, User.email).where(User.id.in_(owner_ids)))
    owners: dict[uuid.UUID, str] = {ident: email for ident, email in emails}
    metrics: list[list[dict[str, Any]]] = [[] for _ in rows]
    latest = await session.execute(
        select(
            _raw(MetricSeries.experiment_id),
            MetricSeries.key,
            MetricSeries.last_value,
            MetricSeries.last_timestamp,
            MetricSeries.last_step,
        )
        .where(MetricSeries.experiment_id.in_(ids), MetricSeries.last_step.is_not(None))
        .order_by(MetricSeries.key)
    )
    for experiment_id, key, value, stamp, step in latest:
        metrics[at[experiment_id]].append(metric_json(key, value, stamp, step))
    answer = []
    for position, row in enumerate(rows):
        run_tags = {**tags[position], **field_tags(row)}
        answer.append(
            {
                "info": run_info_json(row, owners.get(row.owner_id, ""), position in deleted),
                "data": {
                    "metrics": metrics[position],
                    "params": params_of_hyperparams(row.hyperparams),
                    "tags": [{"key": k, "value": v} for k, v in run_tags.items()],
                },
                "inputs": {},
                "outputs": {},
            }
        )
    return answer
