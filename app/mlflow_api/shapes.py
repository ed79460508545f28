"""Our objects in MLflow's JSON shapes: a hypothesis as an MLflow experiment, an
experiment as an MLflow run (``info`` + ``data``: latest metrics, params, tags).

A run's tags are the MLflow tags stored for it (``mlflow_tags``, exactly as set), with the
system tags that name one of our fields read from that field, so a rename in the console
shows in MLflow too: ``mlflow.runName`` (name), ``mlflow.note.content`` (description),
``mlflow.source.git.commit`` / ``.repoURL`` / ``.branch`` (the git ref) and
``mlflow.parentRunId`` (the parent).

Runs are rendered from the values the driver gives, with the SQL doing the conversions
(``run_columns``): ids as ``str(uuid)`` writes them (``uuid_text``), times as exact epoch
milliseconds (``epoch_ms``, what ``mlflow_terms.millis`` gives), the status in MLflow's
names, the owner's email. A page of a thousand runs (the ``mlflow`` client's default)
then builds no ``uuid.UUID``, ``datetime`` or enum per row.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    SQLColumnExpression,
    String,
    Text,
    case,
    cast,
    exists,
    extract,
    func,
    select,
    type_coerce,
)
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

Expr = SQLColumnExpression[Any]
# ``millis`` of Python's first and last moments
_FIRST_MS = exact_millis(datetime.min.replace(tzinfo=UTC))
_LAST_MS = exact_millis(datetime.max.replace(tzinfo=UTC))


# --- the SQL of a run's values ---


def uuid_text(postgresql: bool, column: Expr) -> Expr:
    """A UUID column as ``str(uuid)`` writes it (SQLite stores 32 hex digits)."""
    if postgresql:
        return cast(column, Text)
    hex_ = type_coerce(column, String)
    parts = [
        func.substr(hex_, start, length)
        for start, length in ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))
    ]
    text: Expr = parts[0]
    for part in parts[1:]:
        text = text + "-" + part
    return text


def epoch_ms(postgresql: bool, column: Expr) -> Expr:
    """``mlflow_terms.millis`` of a time column: epoch milliseconds, rounded down.

    SQLite keeps ``YYYY-MM-DD HH:MM:SS.ffffff`` (as SQLAlchemy writes it): the whole
    seconds are read without the fraction (``strftime`` rounds a fraction to the nearest
    millisecond, which can carry into the next second), then the fraction's first three
    digits added. PostgreSQL's ``EXTRACT(EPOCH …)`` is an exact numeric; its infinities
    (asyncpg writes Python's first and last moments as them) read as those moments."""
    if postgresql:
        epoch = extract("epoch", column)
        return case(
            (func.isfinite(column), cast(func.floor(epoch * 1000), BigInteger)),
            (epoch > 0, _LAST_MS),
            (epoch < 0, _FIRST_MS),
        )
    text = type_coerce(column, String)
    seconds = cast(func.strftime("%s", func.substr(text, 1, 19)), Integer)
    fraction = cast(func.substr(func.substr(text, 21) + "000", 1, 3), Integer)
    return seconds * 1000 + fraction


def start_time() -> ColumnElement[datetime]:
    """A run's start: started, else created."""
    return func.coalesce(Experiment.started_at, Experiment.created_at)


def status_text() -> ColumnElement[str]:
    """The status in MLflow's names (keyed by the stored names, so the SQL also renders
    with literal values, as ``bench/mlflow_search.py --explain`` does)."""
    return case(
        {ours.name: theirs for ours, theirs in RUN_STATUS.items()},
        value=type_coerce(Experiment.status, String),
    )


def owner_email() -> ColumnElement[str]:
    return select(User.email).where(User.id == Experiment.owner_id).scalar_subquery()


def is_deleted() -> ColumnElement[bool]:
    return exists(
        select(mlflow_deleted_runs.c.experiment_id).where(
            mlflow_deleted_runs.c.experiment_id == Experiment.id
        )
    )


def run_columns(postgresql: bool, deleted: ColumnElement[bool]) -> tuple[Any, ...]:
    """What a run's JSON reads of an experiment (a ``RunRow``); ``deleted`` says whether
    MLflow deleted it (a constant where the query's filter already knows)."""
    return (
        uuid_text(postgresql, Experiment.id).label("run_id"),
        uuid_text(postgresql, Experiment.hypothesis_id).label("experiment_id"),
        uuid_text(postgresql, Experiment.parent_id).label("parent_id"),
        owner_email().label("user_id"),
        Experiment.name,
        Experiment.description,
        status_text().label("status"),
        Experiment.hyperparams,
        Experiment.git_repo_url,
        Experiment.git_commit,
        Experiment.git_branch,
        epoch_ms(postgresql, start_time()).label("start_time"),
        epoch_ms(postgresql, Experiment.finished_at).label("end_time"),
        deleted.label("deleted"),
    )


class RunRow(Protocol):
    """One row of ``run_columns``."""

    @property
    def run_id(self) -> str: ...
    @property
    def experiment_id(self) -> str: ...
    @property
    def parent_id(self) -> str | None: ...
    @property
    def user_id(self) -> str | None: ...
    @property
    def name(self) -> str: ...
    @property
    def description(self) -> str | None: ...
    @property
    def status(self) -> str: ...
    @property
    def hyperparams(self) -> Any: ...
    @property
    def git_repo_url(self) -> str | None: ...
    @property
    def git_commit(self) -> str | None: ...
    @property
    def git_branch(self) -> str | None: ...
    @property
    def start_time(self) -> int: ...
    @property
    def end_time(self) -> int | None: ...
    @property
    def deleted(self) -> bool: ...


def _postgresql(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


async def run_rows(session: AsyncSession, ids: Sequence[Any]) -> Sequence[RunRow]:
    """The runs ``ids`` (our experiment ids) as ``RunRow``s, in no particular order."""
    query: Select[Any] = select(*run_columns(_postgresql(session), is_deleted())).where(
        Experiment.id.in_(ids)
    )
    return list((await session.execute(query)).all())


# --- JSON ---


def millis(moment: datetime | None) -> int | None:
    return None if moment is None else exact_millis(moment)


def artifact_uri(experiment_id: object, run_id: object) -> str:
    """Where the ``mlflow`` client puts a run's artifacts: our artifact proxy routes
    (``app/mlflow_api/artifacts.py``) read the run back from this path."""
    return f"mlflow-artifacts:/{experiment_id}/{run_id}/artifacts"


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


_INFINITY = math.inf


def _stored_id(postgresql: bool, column: Any) -> Expr:
    """An id column as cheaply as the driver gives it as text: PostgreSQL's ``str(uuid)``
    form, SQLite's 32 hex digits (``uuid_text``'s dashes cost more than the rest of a
    metrics row there)."""
    return cast(column, Text) if postgresql else type_coerce(column, String)


async def runs_json(session: AsyncSession, rows: Sequence[RunRow]) -> list[dict[str, Any]]:
    """Runs as MLflow's ``Run`` JSON, with a fixed number of statements for any count."""
    if not rows:
        return []
    postgresql = _postgresql(session)
    if postgresql:
        ids = [row.run_id for row in rows]
        id_column: Any = MetricSeries.experiment_id
    else:  # bound as SQLite's column holds them
        ids = [row.run_id.replace("-", "") for row in rows]
        id_column = type_coerce(MetricSeries.experiment_id, String)
    at = {run_id: position for position, run_id in enumerate(ids)}
    tags: list[dict[str, str]] = [{} for _ in rows]
    tag_id = mlflow_tags.c.experiment_id
    tag_rows = await session.execute(
        select(_stored_id(postgresql, tag_id), mlflow_tags.c.key, mlflow_tags.c.value).where(
            (tag_id if postgresql else type_coerce(tag_id, String)).in_(ids)
        )
    )
    for run_id, key, value in tag_rows:
        tags[at[run_id]][key] = value
    metrics: list[list[dict[str, Any]]] = [[] for _ in rows]
    latest = await session.execute(
        select(
            _stored_id(postgresql, MetricSeries.experiment_id),
            MetricSeries.key,
            MetricSeries.last_value,
            epoch_ms(postgresql, MetricSeries.last_timestamp),
            MetricSeries.last_step,
        )
        .where(id_column.in_(ids), MetricSeries.last_step.is_not(None))
        .order_by(MetricSeries.key)
    )
    for run_id, key, value, stamp, step in latest:
        if value is None or not -_INFINITY < value < _INFINITY:
            value = metric_value(value)
        metrics[at[run_id]].append({"key": key, "value": value, "timestamp": stamp, "step": step})
    answer = []
    for row, run_tags, run_metrics in zip(rows, tags, metrics, strict=True):
        # the stored tags, then the system tags our fields hold over them
        run_tags["mlflow.runName"] = row.name
        if row.description is not None:
            run_tags["mlflow.note.content"] = row.description
        if row.git_commit is not None:
            run_tags["mlflow.source.git.commit"] = row.git_commit
        if row.git_repo_url is not None:
            run_tags["mlflow.source.git.repoURL"] = row.git_repo_url
        if row.git_branch is not None:
            run_tags["mlflow.source.git.branch"] = row.git_branch
        if row.parent_id is not None:
            run_tags["mlflow.parentRunId"] = row.parent_id
        run_id, experiment_id = row.run_id, row.experiment_id
        answer.append(
            {
                "info": {
                    "run_id": run_id,
                    "run_uuid": run_id,
                    "run_name": row.name,
                    "experiment_id": experiment_id,
                    "user_id": row.user_id or "",
                    "status": row.status,
                    "start_time": row.start_time,
                    "end_time": row.end_time,
                    "artifact_uri": artifact_uri(experiment_id, run_id),
                    "lifecycle_stage": DELETED if row.deleted else ACTIVE,
                },
                "data": {
                    "metrics": run_metrics,
                    "params": params_of_hyperparams(row.hyperparams),
                    "tags": [{"key": k, "value": v} for k, v in run_tags.items()],
                },
                "inputs": {},
                "outputs": {},
            }
        )
    return answer
