"""The ``Experiment`` type and its parts, and its connection. Each resolves relations through
the request's loaders."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

import schema.enums  # noqa: F401  (registers ExperimentAction as the GraphQL enum)
from app.errors import NotFound
from app.experiments import children as nested
from app.experiments import service as experiments
from app.experiments.actions import ExperimentAction, allowed_actions
from app.experiments.presets import ResourceDefaults
from app.experiments.progress import progress_view
from app.experiments.validators import git_web_url
from app.logs import service as log_pages
from app.logs.batched import PageRead
from app.metrics import service as history_service
from app.models import Experiment as ExperimentRow
from app.models.base import utcnow
from app.models.enums import ExperimentStatus, ExperimentType, FailureReason, LogLevel
from app.resources import api_costs as cost_entries
from app.resources.costs import cost_of
from schema.artifacts.types import Artifact
from schema.context import Info
from schema.dataloaders import SeriesKey
from schema.experiments.links import MlflowLink, WandbLink
from schema.hypotheses.types import Hypothesis
from schema.logs.types import LOGS_DESCRIPTION, LogPage
from schema.metrics.types import MetricSeries, MetricSummary
from schema.pages import PageInfo
from schema.resources.costs import ApiCostConnection, Cost
from schema.resources.types import QueueEntry, Reservation
from schema.scalars import BigInt
from schema.users.types import User, load_user


@strawberry.type
class ResourceRequest:
    gpu_type: str | None
    gpu_count: int
    cpu_cores: int
    memory_gb: int
    max_duration_minutes: int

    @classmethod
    def from_row(cls, row: ExperimentRow | ResourceDefaults) -> ResourceRequest:
        """An experiment's request, or a preset's defaults (the same fields)."""
        return cls(
            gpu_type=row.gpu_type,
            gpu_count=row.gpu_count,
            cpu_cores=row.cpu_cores,
            memory_gb=row.memory_gb,
            max_duration_minutes=row.max_duration_minutes,
        )


@strawberry.type
class Progress:
    step: BigInt | None
    total_steps: BigInt | None
    epoch: int | None
    total_epochs: int | None
    fraction: float | None
    eta_seconds: float | None


@strawberry.type
class GitRef:
    repo_url: str
    commit: str | None
    branch: str | None
    url: str | None


@strawberry.type
class Failure:
    reason: FailureReason
    message: str | None


def progress_of(row: ExperimentRow) -> Progress:
    view = progress_view(row, utcnow())
    return Progress(
        step=BigInt(view.step) if view.step is not None else None,
        total_steps=BigInt(view.total_steps) if view.total_steps is not None else None,
        epoch=view.epoch,
        total_epochs=view.total_epochs,
        fraction=view.fraction,
        eta_seconds=view.eta_seconds,
    )


def failure_of(row: ExperimentRow) -> Failure | None:
    if row.failure_reason is None:
        return None
    return Failure(reason=row.failure_reason, message=row.failure_message)


# Experiment's relations and computed fields that sit between its plain fields in the
# schema's order: strawberry lists annotated fields first, so these are attached to
# annotated fields with ``strawberry.field(resolver=…)``.


async def _hypothesis(root: Experiment, info: Info) -> Hypothesis:
    row = await info.context.loaders.hypotheses.load(root.row.hypothesis_id)
    if row is None:
        raise NotFound("hypothesis", root.row.hypothesis_id)
    return Hypothesis.from_row(row)


async def _owner(root: Experiment, info: Info) -> User:
    return await load_user(info, root.row.owner_id)


async def _parent(root: Experiment, info: Info) -> Experiment | None:
    if root.row.parent_id is None:
        return None
    loaders = info.context.loaders.visible_to(await info.context.actor())
    row = await loaders.experiments.load(root.row.parent_id)
    return None if row is None else Experiment.from_row(row)


async def _children(
    root: Experiment, info: Info, first: int | None = nested.DEFAULT_PAGE, after: str | None = None
) -> ExperimentConnection:
    size = nested.DEFAULT_PAGE if first is None else first
    nested.check_page_args(size, after)
    loaders = info.context.loaders.visible_to(await info.context.actor())
    page = await loaders.children.load(nested.ChildrenRead(root.row.id, size, after))
    return ExperimentConnection.from_page(page)


def _resources(root: Experiment) -> ResourceRequest:
    return ResourceRequest.from_row(root.row)


def _progress(root: Experiment) -> Progress:
    return progress_of(root.row)


def _git(root: Experiment) -> GitRef | None:
    row = root.row
    if row.git_repo_url is None:
        return None
    return GitRef(
        repo_url=row.git_repo_url,
        commit=row.git_commit,
        branch=row.git_branch,
        url=git_web_url(row.git_repo_url, row.git_commit, row.git_branch),
    )


def _failure(root: Experiment) -> Failure | None:
    return failure_of(root.row)


async def _allowed_actions(root: Experiment, info: Info) -> list[ExperimentAction]:
    actor = await info.context.actor()
    hypothesis = await info.context.loaders.hypotheses.load(root.row.hypothesis_id)
    if hypothesis is None:
        raise NotFound("hypothesis", root.row.hypothesis_id)
    return allowed_actions(actor, root.row, hypothesis)


def _queue(root: Experiment) -> QueueEntry | None:
    return QueueEntry.of(root.row)


async def _reservation(root: Experiment, info: Info) -> Reservation | None:
    row = await info.context.loaders.reservations.load(root.row.id)
    return None if row is None else Reservation.from_row(row)


async def _mlflow(root: Experiment, info: Info) -> MlflowLink | None:
    view = await info.context.loaders.mlflow_links.load(root.row.id)
    if view is None:
        return None
    from app.integrations.mlflow.links import run_url

    settings = info.context.settings
    ui = settings.mlflow_ui_url or settings.mlflow_tracking_uri
    return MlflowLink(
        experiment_id=view.remote_group,
        run_id=view.run_id,
        url=run_url(ui, view.remote_group, view.run_id),
        synced_at=view.synced_at,
        pending_points=BigInt(view.pending_points),
        last_error=view.last_error,
        last_error_at=view.last_error_at,
    )


async def _wandb(root: Experiment, info: Info) -> WandbLink | None:
    view = await info.context.loaders.wandb_links.load(root.row.id)
    if view is None:
        return None
    from app.integrations.wandb.links import run_path, run_url

    return WandbLink(
        run_path=run_path(view.remote_group, view.run_id),
        url=run_url(info.context.settings.wandb_base_url, view.remote_group, view.run_id),
        synced_at=view.synced_at,
        pending_points=BigInt(view.pending_points),
        last_error=view.last_error,
        last_error_at=view.last_error_at,
    )


async def _cost(root: Experiment, info: Info) -> Cost:
    reservation = await info.context.loaders.reservations.load(root.row.id)
    return Cost.from_view(cost_of(root.row, reservation, utcnow()))


def _duration_seconds(root: Experiment) -> float | None:
    return experiments.duration_seconds(root.row, utcnow())


@strawberry.type
class Experiment:
    """An experiment row: its plain fields filled by ``from_row``, its relations and computed
    fields resolved from ``row`` when selected (relations through the request's loaders)."""

    row: strawberry.Private[ExperimentRow]
    id: strawberry.ID
    name: str
    description: str | None
    status: ExperimentStatus
    type: ExperimentType
    model: str
    approach: str | None
    framework: str
    hyperparams: JSON
    config: JSON
    tags: list[str]
    hypothesis: Hypothesis = strawberry.field(resolver=_hypothesis)
    owner: User = strawberry.field(resolver=_owner)
    parent: Experiment | None = strawberry.field(
        resolver=_parent,
        description="The run it is nested in (MLflow's `mlflow.parentRunId`); null without "
        "one, or when the caller may not read it.",
    )
    children: ExperimentConnection = strawberry.field(
        resolver=_children,
        description="The runs nested in it that the caller may read, oldest first, "
        "keyset-paginated (`after` is a `pageInfo.endCursor`).",
    )
    resources: ResourceRequest = strawberry.field(resolver=_resources)
    progress: Progress = strawberry.field(resolver=_progress)
    git: GitRef | None = strawberry.field(resolver=_git)
    failure: Failure | None = strawberry.field(resolver=_failure)
    allowed_actions: list[ExperimentAction] = strawberry.field(
        resolver=_allowed_actions,
        description="What the caller may do to it now: the lifecycle moves its status allows "
        "(START, COMPLETE, FAIL, STOP; START not while it waits in the GPU queue), UPDATE and "
        "SET_PRIORITY while QUEUED (a priority above 0 only when the caller's "
        "User.mayRaisePriority), DEQUEUE while it waits in the GPU queue, UPLOAD_ARTIFACT and "
        "ADD_API_COST; empty for a caller who may only read it. The same rules refuse the "
        "others.",
    )
    status_message: str | None = strawberry.field(
        description="The message given when it was stopped or failed."
    )
    priority: int = strawberry.field(description="The GPU queue's order: higher first, then FIFO.")
    queue: QueueEntry | None = strawberry.field(
        resolver=_queue, description="Its place in the GPU queue while it waits; null otherwise."
    )
    reservation: Reservation | None = strawberry.field(
        resolver=_reservation, description="The GPUs it holds (or held) from a pool."
    )
    mlflow: MlflowLink | None = strawberry.field(
        resolver=_mlflow,
        description="Its run in MLflow; null until the mirror opened it (or without MLflow).",
    )
    wandb: WandbLink | None = strawberry.field(
        resolver=_wandb,
        description="Its run in W&B; null until the mirror opened it (or without W&B).",
    )
    cost: Cost = strawberry.field(
        resolver=_cost, description="GPU cost grows live while RUNNING; final at release."
    )
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    last_activity_at: datetime | None
    duration_seconds: float | None = strawberry.field(resolver=_duration_seconds)
    last_log_seq: int = strawberry.field(
        description="The seq of its last log line (0 before any): the tail of N lines is "
        "`logs(after: lastLogSeq - N, first: N)`."
    )

    @classmethod
    def from_row(cls, row: ExperimentRow) -> Experiment:
        return cls(
            row=row,
            id=strawberry.ID(str(row.id)),
            name=row.name,
            description=row.description,
            status=row.status,
            type=row.type,
            model=row.model,
            approach=row.approach,
            framework=row.framework,
            hyperparams=JSON(row.hyperparams),
            config=JSON(row.config),
            tags=list(row.tags),
            status_message=row.failure_message,
            priority=row.priority,
            created_at=row.created_at,
            started_at=row.started_at,
            finished_at=row.finished_at,
            last_activity_at=row.last_activity_at,
            last_log_seq=row.log_seq or 0,
        )

    @strawberry.field(
        description="Its API cost entries (what addApiCost recorded), newest first, "
        "keyset-paginated (`after` is a `pageInfo.endCursor`); their sum is `cost.api`."
    )
    async def api_costs(
        self, info: Info, first: int | None = cost_entries.DEFAULT_PAGE, after: str | None = None
    ) -> ApiCostConnection:
        size = cost_entries.DEFAULT_PAGE if first is None else first
        cost_entries.check_page_args(size, after)
        read = cost_entries.ApiCostRead(self.row.id, size, after)
        return ApiCostConnection.from_page(await info.context.loaders.api_costs.load(read))

    @strawberry.field(description="Its artifacts, oldest first.")
    async def artifacts(self, info: Info) -> list[Artifact]:
        rows = await info.context.loaders.artifacts.load(self.row.id) or []
        return [Artifact.from_row(row) for row in rows]

    @strawberry.field(description="Keys of every metric logged, sorted.")
    async def metric_keys(self, info: Info) -> list[str]:
        rows = await info.context.loaders.summaries.load(self.row.id) or []
        return [row.key for row in rows]

    @strawberry.field(description="last / min / max / count per key (all keys by default).")
    async def metric_summaries(
        self, info: Info, keys: list[str] | None = None
    ) -> list[MetricSummary]:
        rows = await info.context.loaders.summaries.load(self.row.id) or []
        wanted = None if keys is None else set(keys)
        return [MetricSummary.from_row(r) for r in rows if wanted is None or r.key in wanted]

    @strawberry.field(description=LOGS_DESCRIPTION)
    async def logs(
        self,
        info: Info,
        after: int | None = None,
        levels: list[LogLevel] | None = None,
        search: str | None = None,
        first: int | None = log_pages.DEFAULT_PAGE,
    ) -> LogPage:
        """Through the logs loader: a page of N experiments is one statement."""
        size = log_pages.DEFAULT_PAGE if first is None else first
        log_pages.check_page_args(after, size, search)
        wanted = None if levels is None else tuple(levels)
        max_bytes = info.context.settings.logs_max_page_bytes
        read = PageRead(self.row.id, after, wanted, search, size, max_bytes)
        return LogPage.from_page(await info.context.loaders.logs.load(read))

    @strawberry.field(description="One metric's history, downsampled to at most maxPoints.")
    async def metric(
        self,
        info: Info,
        key: str,
        max_points: int | None = 1000,
        step_from: BigInt | None = None,
        step_to: BigInt | None = None,
    ) -> MetricSeries:
        size = 1000 if max_points is None else max_points
        history_service.check_history_args(size, step_from, step_to)
        request = SeriesKey(self.row.id, key, size, step_from, step_to)
        return MetricSeries.from_series(await info.context.loaders.series.load(request))


@strawberry.type
class ExperimentEdge:
    cursor: str
    node: Experiment


@strawberry.type
class ExperimentConnection:
    edges: list[ExperimentEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def from_page(cls, page: experiments.Page) -> ExperimentConnection:
        edges = [
            ExperimentEdge(cursor=cursor, node=Experiment.from_row(row))
            for row, cursor in zip(page.items, page.cursors, strict=True)
        ]
        return cls(
            edges=edges,
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
            total_count=page.total_count,
        )
