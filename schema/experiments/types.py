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


@strawberry.type
class Experiment:
    row: strawberry.Private[ExperimentRow]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def description(self) -> str | None:
        return self.row.description

    @strawberry.field
    def status(self) -> ExperimentStatus:
        return self.row.status

    @strawberry.field
    def type(self) -> ExperimentType:
        return self.row.type

    @strawberry.field
    def model(self) -> str:
        return self.row.model

    @strawberry.field
    def approach(self) -> str | None:
        return self.row.approach

    @strawberry.field
    def framework(self) -> str:
        return self.row.framework

    @strawberry.field
    def hyperparams(self) -> JSON:
        return JSON(self.row.hyperparams)

    @strawberry.field
    def config(self) -> JSON:
        return JSON(self.row.config)

    @strawberry.field
    def tags(self) -> list[str]:
        return list(self.row.tags)

    @strawberry.field
    async def hypothesis(self, info: Info) -> Hypothesis:
        row = await info.context.loaders.hypotheses.load(self.row.hypothesis_id)
        if row is None:
            raise NotFound("hypothesis", self.row.hypothesis_id)
        return Hypothesis(row=row)

    @strawberry.field
    async def owner(self, info: Info) -> User:
        return await load_user(info, self.row.owner_id)

    @strawberry.field(
        description="The run it is nested in (MLflow's `mlflow.parentRunId`); null without "
        "one, or when the caller may not read it."
    )
    async def parent(self, info: Info) -> Experiment | None:
        if self.row.parent_id is None:
            return None
        loaders = info.context.loaders.visible_to(await info.context.actor())
        row = await loaders.experiments.load(self.row.parent_id)
        return None if row is None else Experiment(row=row)

    @strawberry.field(
        description="The runs nested in it that the caller may read, oldest first, "
        "keyset-paginated (`after` is a `pageInfo.endCursor`)."
    )
    async def children(
        self, info: Info, first: int | None = nested.DEFAULT_PAGE, after: str | None = None
    ) -> ExperimentConnection:
        size = nested.DEFAULT_PAGE if first is None else first
        nested.check_page_args(size, after)
        loaders = info.context.loaders.visible_to(await info.context.actor())
        page = await loaders.children.load(nested.ChildrenRead(self.row.id, size, after))
        return ExperimentConnection.from_page(page)

    @strawberry.field
    def resources(self) -> ResourceRequest:
        row = self.row
        return ResourceRequest(
            gpu_type=row.gpu_type,
            gpu_count=row.gpu_count,
            cpu_cores=row.cpu_cores,
            memory_gb=row.memory_gb,
            max_duration_minutes=row.max_duration_minutes,
        )

    @strawberry.field
    def progress(self) -> Progress:
        return progress_of(self.row)

    @strawberry.field
    def git(self) -> GitRef | None:
        row = self.row
        if row.git_repo_url is None:
            return None
        return GitRef(
            repo_url=row.git_repo_url,
            commit=row.git_commit,
            branch=row.git_branch,
            url=git_web_url(row.git_repo_url, row.git_commit, row.git_branch),
        )

    @strawberry.field
    def failure(self) -> Failure | None:
        return failure_of(self.row)

    @strawberry.field(
        description="What the caller may do to it now: the lifecycle moves its status allows "
        "(START, COMPLETE, FAIL, STOP; START not while it waits in the GPU queue), UPDATE and "
        "SET_PRIORITY while QUEUED (a priority above 0 only when the caller's "
        "User.mayRaisePriority), DEQUEUE while it waits in the GPU queue, UPLOAD_ARTIFACT and "
        "ADD_API_COST; empty for a caller who may only read it. The same rules refuse the "
        "others."
    )
    async def allowed_actions(self, info: Info) -> list[ExperimentAction]:
        actor = await info.context.actor()
        hypothesis = await info.context.loaders.hypotheses.load(self.row.hypothesis_id)
        if hypothesis is None:
            raise NotFound("hypothesis", self.row.hypothesis_id)
        return allowed_actions(actor, self.row, hypothesis)

    @strawberry.field(description="The message given when it was stopped or failed.")
    def status_message(self) -> str | None:
        return self.row.failure_message

    @strawberry.field(description="The GPU queue's order: higher first, then FIFO.")
    def priority(self) -> int:
        return self.row.priority

    @strawberry.field(description="Its place in the GPU queue while it waits; null otherwise.")
    def queue(self) -> QueueEntry | None:
        return QueueEntry.of(self.row)

    @strawberry.field(description="The GPUs it holds (or held) from a pool.")
    async def reservation(self, info: Info) -> Reservation | None:
        row = await info.context.loaders.reservations.load(self.row.id)
        return None if row is None else Reservation.from_row(row)

    @strawberry.field(
        description="Its run in MLflow; null until the mirror opened it (or without MLflow)."
    )
    async def mlflow(self, info: Info) -> MlflowLink | None:
        view = await info.context.loaders.mlflow_links.load(self.row.id)
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

    @strawberry.field(
        description="Its run in W&B; null until the mirror opened it (or without W&B)."
    )
    async def wandb(self, info: Info) -> WandbLink | None:
        view = await info.context.loaders.wandb_links.load(self.row.id)
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

    @strawberry.field(description="GPU cost grows live while RUNNING; final at release.")
    async def cost(self, info: Info) -> Cost:
        reservation = await info.context.loaders.reservations.load(self.row.id)
        return Cost.from_view(cost_of(self.row, reservation, utcnow()))

    @strawberry.field
    def created_at(self) -> datetime:
        return self.row.created_at

    @strawberry.field
    def started_at(self) -> datetime | None:
        return self.row.started_at

    @strawberry.field
    def finished_at(self) -> datetime | None:
        return self.row.finished_at

    @strawberry.field
    def last_activity_at(self) -> datetime | None:
        return self.row.last_activity_at

    @strawberry.field
    def duration_seconds(self) -> float | None:
        return experiments.duration_seconds(self.row, utcnow())

    @strawberry.field(
        description="The seq of its last log line (0 before any): the tail of N lines is "
        "`logs(after: lastLogSeq - N, first: N)`."
    )
    def last_log_seq(self) -> int:
        return self.row.log_seq or 0

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
        return [Artifact(row=row) for row in rows]

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
            ExperimentEdge(cursor=cursor, node=Experiment(row=row))
            for row, cursor in zip(page.items, page.cursors, strict=True)
        ]
        return cls(
            edges=edges,
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
            total_count=page.total_count,
        )
