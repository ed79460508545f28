"""MLflow runs over our experiments: ``runs/create`` creates and starts one, ``runs/update``
ends it, params are its hyperparams, tags are kept exactly (``mlflow_tags``) and fill our
fields, metrics go through the same ingestion as REST's. Each workflow owns its unit of
work and publishes its live event after the commit.

- Params are written once per key, as in MLflow (the same value again is a no-op), while
  the run is QUEUED or RUNNING; they are taken as free text (no preset), stored as the JSON
  number or boolean they spell when that reads back as the same text (``param_value``).
- A tag ``k`` = ``v`` is also our tag ``k:v`` (when it fits our 64 characters and 32 tags),
  except MLflow's system tags (``mlflow.*``) and ours (``expsvc.*``); the system tags with
  a field of ours set it (``mlflow.runName``, ``mlflow.note.content``, the git ref) and
  ``mlflow.parentRunId`` names the parent. Tags may change at any status, as in MLflow.
- ``runs/create`` reads ``expsvc.type`` (LLM, ML, CV; default ML), ``expsvc.model``,
  ``expsvc.framework``, ``expsvc.gpuType`` and ``expsvc.gpuCount`` (default: no GPU, so
  nothing is reserved); the run may last up to ``EXPSVC_MAX_DURATION_MINUTES``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import NotFound
from app.experiments import service as experiments
from app.experiments.schemas import (
    MAX_TAG_LENGTH,
    MAX_TAGS,
    ExperimentCreate,
    ExperimentUpdate,
    GitRefData,
    ResourceRequestData,
)
from app.experiments.start_hooks import StartHooks
from app.experiments.validators import git_errors
from app.floats import spelled
from app.metrics import service as metrics
from app.metrics.batch import MetricBatch, parse_batch
from app.metrics.events import publish_metrics
from app.metrics.workflows import ingest_batch
from app.mlflow_api import service
from app.mlflow_api.errors import MlflowError
from app.mlflow_api.shapes import run_rows, runs_json
from app.mlflow_terms import param_value, params_of
from app.models import Experiment, User
from app.models.base import utcnow
from app.models.enums import ExperimentStatus, ExperimentType, FailureReason
from app.models.mlflow_tracking import MAX_TAG_KEY, MAX_TAG_VALUE, mlflow_deleted_runs, mlflow_tags
from app.services import Services
from app.validation import name_problem, text_problem

# MLflow's own limits on one log-batch and on params
MAX_BATCH_METRICS = 1000
MAX_BATCH_PARAMS = 100
MAX_BATCH_TAGS = 100
MAX_BATCH_ENTITIES = 1000
MAX_PARAM_KEY = 250
MAX_PARAM_VALUE = 6000

TYPE_TAG = "expsvc.type"
MODEL_TAG = "expsvc.model"
FRAMEWORK_TAG = "expsvc.framework"
GPU_TYPE_TAG = "expsvc.gpuType"
GPU_COUNT_TAG = "expsvc.gpuCount"
DEFAULT_MODEL = "unspecified"
DEFAULT_FRAMEWORK = "mlflow"
RUN_NAME = "mlflow.runName"
NOTE = "mlflow.note.content"
GIT_COMMIT = "mlflow.source.git.commit"
GIT_REPO = "mlflow.source.git.repoURL"
GIT_BRANCH = "mlflow.source.git.branch"
PARENT = "mlflow.parentRunId"
SYSTEM_PREFIXES = ("mlflow.", "expsvc.")

# What each MLflow end status does to a run, and which of our statuses it is already
ENDS = {"FINISHED": ExperimentStatus.COMPLETED, "FAILED": ExperimentStatus.FAILED}
ENDS["KILLED"] = ExperimentStatus.STOPPED
PARAMS_WHILE = frozenset({ExperimentStatus.QUEUED, ExperimentStatus.RUNNING})
TAGS_WHILE = frozenset(ExperimentStatus)


def invalid(message: str) -> MlflowError:
    return MlflowError("INVALID_PARAMETER_VALUE", message)


# --- checking what the client sent ------------------------------------------------------


def _text(value: Any, what: str, limit: int, *, allow_empty: bool = True) -> str:
    if not isinstance(value, str):
        raise invalid(f"{what} must be a string, got {value!r}")
    if not value and not allow_empty:
        raise invalid(f"{what} must not be empty")
    if len(value) > limit:
        raise invalid(f"{what} is {len(value)} characters long; at most {limit} are allowed")
    if problem := text_problem(value):
        raise invalid(f"{what}: {problem}")
    return value


def pairs(
    items: Iterable[dict[str, Any]], what: str, key_limit: int, value_limit: int
) -> dict[str, str]:
    """``[{key, value}…]`` as a dict; within one call the last value of a key wins for tags,
    a param given twice must have one value."""
    found: dict[str, str] = {}
    for item in items:
        key = _text(item.get("key"), f"{what} key", key_limit, allow_empty=False)
        value = item.get("value", "")
        value = _text(
            value if isinstance(value, str) else str(value), f"{what} '{key}'", value_limit
        )
        if what == "param" and key in found and found[key] != value:
            raise invalid(f"Duplicate parameter keys with different values: '{key}'")
        found[key] = value
    return found


def metric_batch(items: list[dict[str, Any]]) -> MetricBatch:
    """MLflow metrics (epoch-millisecond timestamps, step 0 when not given) through our
    batch parser, so they meet the same rules as every other batch."""
    points = []
    for item in items:
        value = item.get("value")
        if isinstance(value, float):
            value = spelled(value)
        point = {"key": item.get("key"), "value": value, "step": item.get("step") or 0}
        if item.get("timestamp") is not None:
            point["timestamp"] = item["timestamp"]
        points.append(point)
    batch, _ = parse_batch({"points": points}, now=utcnow(), limit=MAX_BATCH_METRICS)
    return batch


def check_batch_size(metrics_n: int, params_n: int, tags_n: int) -> None:
    if metrics_n > MAX_BATCH_METRICS:
        raise invalid(f"A batch logging request can contain at most {MAX_BATCH_METRICS} metrics")
    if params_n > MAX_BATCH_PARAMS:
        raise invalid(f"A batch logging request can contain at most {MAX_BATCH_PARAMS} params")
    if tags_n > MAX_BATCH_TAGS:
        raise invalid(f"A batch logging request can contain at most {MAX_BATCH_TAGS} tags")
    if metrics_n + params_n + tags_n > MAX_BATCH_ENTITIES:
        raise invalid(
            f"A batch logging request can contain at most {MAX_BATCH_ENTITIES} "
            "metrics, params and tags in all"
        )


def run_tags(items: Iterable[dict[str, Any]]) -> dict[str, str]:
    return pairs(items, "tag", MAX_TAG_KEY, MAX_TAG_VALUE)


def run_params(items: Iterable[dict[str, Any]]) -> dict[str, str]:
    return pairs(items, "param", MAX_PARAM_KEY, MAX_PARAM_VALUE)


# --- how tags land in our fields --------------------------------------------------------


def is_user_tag(key: str) -> bool:
    return not key.startswith(SYSTEM_PREFIXES)


def listed_tags(current: list[str], set_: dict[str, str], removed: Iterable[str] = ()) -> list[str]:
    """Our tag list after MLflow set ``set_`` and removed ``removed``: ``k:v`` per user tag
    that fits our rules, replacing the entry of the same key."""
    touched = {key for key in set_ if is_user_tag(key)} | set(removed)
    kept = [tag for tag in current if tag.partition(":")[0] not in touched or ":" not in tag]
    for key, value in set_.items():
        tag = f"{key}:{value}"
        if not is_user_tag(key) or len(tag) > MAX_TAG_LENGTH or len(kept) >= MAX_TAGS:
            continue
        if name_problem(tag) is None and tag.strip() == tag:
            kept.append(tag)
    return kept


def _git(tags: dict[str, str], row: Experiment | None) -> GitRefData | None:
    """The git ref the tags (and what the run holds) spell, when it is one we accept."""
    repo = tags.get(GIT_REPO) or (row.git_repo_url if row else None)
    if repo is None:
        return None
    commit = tags.get(GIT_COMMIT) or (row.git_commit if row else None)
    branch = tags.get(GIT_BRANCH) or (row.git_branch if row else None)
    git = GitRefData(repo_url=repo, commit=commit, branch=branch)
    return None if git_errors(git) else git


def field_update(row: Experiment, tags: dict[str, str]) -> dict[str, Any]:
    """What the system tags change in our fields, as ``ExperimentUpdate`` fields."""
    values: dict[str, Any] = {}
    if RUN_NAME in tags and tags[RUN_NAME].strip() and tags[RUN_NAME] != row.name:
        values["name"] = tags[RUN_NAME]
    if NOTE in tags and tags[NOTE] != row.description:
        values["description"] = tags[NOTE]
    if {GIT_REPO, GIT_COMMIT, GIT_BRANCH} & tags.keys():
        git = _git(tags, row)
        if git is not None:
            values["git"] = git
    listed = listed_tags(row.tags, tags)
    if listed != row.tags:
        values["tags"] = listed
    return values


async def store_tags(session: AsyncSession, experiment_id: uuid.UUID, tags: dict[str, str]) -> None:
    if not tags:
        return
    await session.execute(
        delete(mlflow_tags).where(
            mlflow_tags.c.experiment_id == experiment_id, mlflow_tags.c.key.in_(list(tags))
        )
    )
    await session.execute(
        insert(mlflow_tags),
        [{"experiment_id": experiment_id, "key": k, "value": v} for k, v in tags.items()],
    )


# --- the workflows ----------------------------------------------------------------------


def _create_data(
    hypothesis_id: uuid.UUID, run_name: str | None, tags: dict[str, str], max_minutes: int
) -> ExperimentCreate:
    try:
        kind = ExperimentType(tags.get(TYPE_TAG, ExperimentType.ML.value).upper())
    except ValueError:
        raise invalid(f"tag {TYPE_TAG} must be one of LLM, ML, CV") from None
    gpu_count = tags.get(GPU_COUNT_TAG, "0")
    if not gpu_count.isdigit():
        raise invalid(f"tag {GPU_COUNT_TAG} must be a whole number")
    name = run_name or tags.get(RUN_NAME) or f"run-{uuid.uuid4().hex[:8]}"
    return ExperimentCreate(
        hypothesis_id=hypothesis_id,
        name=name,
        description=tags.get(NOTE),
        type=kind,
        model=tags.get(MODEL_TAG) or DEFAULT_MODEL,
        framework=tags.get(FRAMEWORK_TAG) or DEFAULT_FRAMEWORK,
        hyperparams={},
        resources=ResourceRequestData(
            gpu_type=tags.get(GPU_TYPE_TAG),
            gpu_count=int(gpu_count),
            max_duration_minutes=max_minutes,
        ),
        git=_git(tags, None),
        tags=listed_tags([], tags),
    )


async def _parent_id(
    session: AsyncSession, actor: User, tags: dict[str, str], hypothesis_id: uuid.UUID
) -> uuid.UUID | None:
    """The parent a nested run names, when the caller reads it in the same hypothesis
    (else the tag is kept and nothing more)."""
    raw = tags.get(PARENT)
    if not raw:
        return None
    try:
        parent = await experiments.get_experiment(
            session, actor=actor, experiment_id=uuid.UUID(raw)
        )
    except (ValueError, NotFound):
        return None
    return parent.id if parent.hypothesis_id == hypothesis_id else None


async def create_run(
    services: Services,
    *,
    actor: User,
    experiment_id: str,
    run_name: str | None,
    tags: dict[str, str],
) -> Experiment:
    """A new experiment of the MLflow experiment's hypothesis, started at once; all of
    it or nothing (a start refused for want of GPUs leaves no experiment)."""
    async with services.db.unit_of_work() as session:
        hypothesis = await service.get_experiment(session, actor=actor, experiment_id=experiment_id)
        data = _create_data(hypothesis.id, run_name, tags, services.settings.max_duration_minutes)
        data.parent_id = await _parent_id(session, actor, tags, hypothesis.id)
        row = await experiments.create_experiment(
            session, actor=actor, data=data, settings=services.settings, use_preset=False
        )
        await store_tags(session, row.id, tags)
        return await experiments.start_experiment(
            session, actor=actor, experiment_id=row.id, hooks=start_hooks(services, row)
        )


def start_hooks(services: Services, row: Experiment) -> StartHooks:
    """An MLflow run computes wherever its script runs: it holds GPUs (with the cores and
    memory that go with them) only when its tags ask for them (``expsvc.gpuCount``), and
    nothing of our pools otherwise."""
    if row.gpu_count > 0:
        return services.start_hooks
    return services.start_hooks.without_reservation()


async def _end(
    session: AsyncSession, services: Services, actor: User, row: Experiment, status: str
) -> None:
    if status in ("RUNNING", "SCHEDULED"):
        wanted = ExperimentStatus.RUNNING if status == "RUNNING" else ExperimentStatus.QUEUED
        if row.status is wanted:
            return
        if row.status is ExperimentStatus.QUEUED and wanted is ExperimentStatus.RUNNING:
            await experiments.start_experiment(
                session, actor=actor, experiment_id=row.id, hooks=start_hooks(services, row)
            )
            return
        raise MlflowError("INVALID_STATE", f"the run is {row.status.value}; it cannot be {status}")
    if status not in ENDS:
        raise invalid(f"Invalid run status {status!r}")
    if row.status is ENDS[status]:
        return  # ending twice the same way is a no-op, as in MLflow
    if status == "FINISHED":
        await experiments.complete_experiment(session, actor=actor, experiment_id=row.id)
    elif status == "FAILED":
        await experiments.fail_experiment(
            session,
            actor=actor,
            experiment_id=row.id,
            reason=FailureReason.USER_ERROR,
            message="the MLflow run ended as FAILED",
        )
    else:
        await experiments.stop_experiment(
            session, actor=actor, experiment_id=row.id, message="the MLflow run was KILLED"
        )


async def update_run(
    services: Services,
    *,
    actor: User,
    run_id: uuid.UUID,
    status: str | None,
    run_name: str | None,
) -> Experiment:
    """Rename and/or end: FINISHED completes, FAILED fails (USER_ERROR), KILLED stops."""
    async with services.db.unit_of_work() as session:
        row = await experiments.get_actionable_experiment(
            session, actor=actor, experiment_id=run_id, lock=True
        )
        if run_name and run_name != row.name:
            await _update(session, services, actor, run_id, {"name": run_name}, TAGS_WHILE)
            await store_tags(session, run_id, {RUN_NAME: run_name})
        if status:
            await _end(session, services, actor, row, status)
        await session.refresh(row)
        return row


async def _update(
    session: AsyncSession,
    services: Services,
    actor: User,
    run_id: uuid.UUID,
    values: dict[str, Any],
    allowed: frozenset[ExperimentStatus],
) -> None:
    await experiments.update_experiment(
        session,
        actor=actor,
        experiment_id=run_id,
        data=ExperimentUpdate(**values),
        settings=services.settings,
        allowed=allowed,
        use_preset=False,
    )


def _new_params(row: Experiment, params: dict[str, str]) -> dict[str, Any]:
    """The params not logged yet, as hyperparams; a logged key with another value is
    refused as MLflow refuses it."""
    logged = {item["key"]: item["value"] for item in params_of(row)}
    new: dict[str, Any] = {}
    for key, value in params.items():
        if key in logged:
            if logged[key] != value:
                raise invalid(
                    "Changing param values is not allowed. Param with key="
                    f"'{key}' was already logged with value='{logged[key]}' for run ID="
                    f"'{row.id}'. Attempted logging new value '{value}'."
                )
            continue
        new[key] = param_value(value)
    return new


async def log_batch(
    services: Services,
    *,
    actor: User,
    run_id: uuid.UUID,
    metrics_items: list[dict[str, Any]],
    params: dict[str, str],
    tags: dict[str, str],
) -> None:
    """Params, tags and metrics of one request: all of them or none."""
    check_batch_size(len(metrics_items), len(params), len(tags))
    batch = metric_batch(metrics_items) if metrics_items else None
    if not params and not tags:
        if batch is not None:
            await ingest_batch(services, actor=actor, experiment_id=run_id, batch=batch)
        else:
            async with services.db.reader() as session:
                await experiments.get_actionable_experiment(
                    session, actor=actor, experiment_id=run_id
                )
        return
    async with services.db.unit_of_work() as session:
        row = await experiments.get_actionable_experiment(
            session, actor=actor, experiment_id=run_id, lock=True
        )
        values = field_update(row, tags)
        allowed = TAGS_WHILE
        new_params = _new_params(row, params)
        if new_params and row.status not in PARAMS_WHILE:
            raise MlflowError("INVALID_STATE", f"the run is {row.status.value}: params are closed")
        if new_params:
            values["hyperparams"] = {**row.hyperparams, **new_params}
            allowed = PARAMS_WHILE
        if values:
            await _update(session, services, actor, run_id, values, allowed)
        await store_tags(session, run_id, tags)
        result: metrics.IngestResult | None = None
        if batch is not None:
            result = await metrics.ingest_metrics(
                session,
                actor=actor,
                experiment_id=run_id,
                batch=batch,
                mirror=services.mirrors,
                store=services.metrics,
            )
    if batch is not None and result is not None:
        publish_metrics(services.live, run_id, batch, result.seq)


async def delete_tag(services: Services, *, actor: User, run_id: uuid.UUID, key: str) -> None:
    async with services.db.unit_of_work() as session:
        row = await experiments.get_actionable_experiment(
            session, actor=actor, experiment_id=run_id, lock=True
        )
        gone = await session.execute(
            delete(mlflow_tags).where(
                mlflow_tags.c.experiment_id == run_id, mlflow_tags.c.key == key
            )
        )
        if gone.rowcount != 1:  # type: ignore[attr-defined]
            raise MlflowError(
                "RESOURCE_DOES_NOT_EXIST", f"No tag with name: {key} in run with id {run_id}"
            )
        listed = listed_tags(row.tags, {}, [key] if is_user_tag(key) else [])
        if listed != row.tags:
            await _update(session, services, actor, run_id, {"tags": listed}, TAGS_WHILE)


async def set_deleted(services: Services, *, actor: User, run_id: uuid.UUID, deleted: bool) -> None:
    """MLflow's soft delete (and restore): the run leaves MLflow's searches; our
    experiment and its data stay as they are."""
    async with services.db.unit_of_work() as session:
        await experiments.get_actionable_experiment(session, actor=actor, experiment_id=run_id)
        await session.execute(
            delete(mlflow_deleted_runs).where(mlflow_deleted_runs.c.experiment_id == run_id)
        )
        if deleted:
            await session.execute(
                insert(mlflow_deleted_runs).values(experiment_id=run_id, deleted_at=utcnow())
            )


async def get_run(services: Services, *, actor: User, run_id: uuid.UUID) -> dict[str, Any]:
    """The run as MLflow's ``Run`` JSON, if the caller may read it."""
    async with services.db.reader() as session:
        await experiments.get_experiment(session, actor=actor, experiment_id=run_id)
        (run,) = await runs_json(session, await run_rows(session, [run_id]))
    return run
