"""Our objects in MLflow's JSON shapes: a hypothesis as an MLflow experiment, an
experiment as an MLflow run (``info`` + ``data``: latest metrics, params, tags).

A run's tags are the MLflow tags stored for it (``mlflow_tags``, exactly as set), with the
system tags that name one of our fields read from that field, so a rename in the console
shows in MLflow too: ``mlflow.runName`` (name), ``mlflow.note.content`` (description),
``mlflow.source.git.commit`` / ``.repoURL`` / ``.branch`` (the git ref) and
``mlflow.parentRunId`` (the parent).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.integrations.mlflow.mapping import params_of
from app.metrics.service import summaries_by_experiment
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


def millis(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp() * 1000)


def field_tags(row: Experiment) -> dict[str, str]:
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


def artifact_uri(row: Experiment) -> str:
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


def _metric_json(row: MetricSeries) -> dict[str, Any]:
    value = math.nan if row.last_value is None else row.last_value
    return {
        "key": row.key,
        "value": value if math.isfinite(value) else _special(value),
        "timestamp": millis(row.last_timestamp),
        "step": row.last_step,
    }


def _special(value: float) -> str:
    """Non-finite values as protobuf's JSON spells them (MLflow's client reads those)."""
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def run_info_json(row: Experiment, owner: str, deleted: bool) -> dict[str, Any]:
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


async def runs_json(session: AsyncSession, rows: Sequence[Experiment]) -> list[dict[str, Any]]:
    """Runs as MLflow's ``Run`` JSON, with a fixed number of statements for any count."""
    if not rows:
        return []
    ids = [row.id for row in rows]
    tags: dict[uuid.UUID, dict[str, str]] = {i: {} for i in ids}
    tag_rows = await session.execute(
        select(mlflow_tags.c.experiment_id, mlflow_tags.c.key, mlflow_tags.c.value).where(
            mlflow_tags.c.experiment_id.in_(ids)
        )
    )
    for experiment_id, key, value in tag_rows:
        tags[experiment_id][key] = value
    deleted = set(
        (
            await session.scalars(
                select(mlflow_deleted_runs.c.experiment_id).where(
                    mlflow_deleted_runs.c.experiment_id.in_(ids)
                )
            )
        ).all()
    )
    owner_ids = {row.owner_id for row in rows}
    owners = {
        user.id: user.email
        for user in (await session.scalars(select(User).where(User.id.in_(owner_ids)))).all()
    }
    metrics = await summaries_by_experiment(session, ids)
    answer = []
    for row in rows:
        run_tags = {**tags[row.id], **field_tags(row)}
        answer.append(
            {
                "info": run_info_json(row, owners.get(row.owner_id, ""), row.id in deleted),
                "data": {
                    "metrics": [
                        _metric_json(series)
                        for series in metrics[row.id]
                        if series.last_step is not None
                    ],
                    "params": params_of(row),
                    "tags": [{"key": k, "value": v} for k, v in run_tags.items()],
                },
                "inputs": {},
                "outputs": {},
            }
        )
    return answer
