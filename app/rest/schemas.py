"""The shapes REST answers with, as pydantic models: they document the OpenAPI responses,
and tests check the serializers against them. Also the query parameters of the list."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.experiments.actions import ExperimentAction
from app.experiments.schemas import (
    ExperimentFilterData,
    ExperimentOrderData,
    SortDirection,
    SortField,
)
from app.models.enums import ExperimentStatus, ExperimentType, FailureReason
from app.rest.body import QueryModel
from app.validation import UtcDateTime


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorBody(Out):
    code: str = Field(description="A code from the contract's table, e.g. NOT_FOUND")
    message: str
    details: dict[str, Any] = Field(
        default_factory=dict,
        description="Extra facts; for VALIDATION_FAILED, `fields` maps field → message",
    )


class ErrorResponse(Out):
    error: ErrorBody


class ResourcesOut(Out):
    gpu_type: str | None
    gpu_count: int
    cpu_cores: int
    memory_gb: int
    max_duration_minutes: int


class ProgressOut(Out):
    step: int | None
    total_steps: int | None
    epoch: int | None
    total_epochs: int | None
    fraction: float | None
    eta_seconds: float | None


class GitOut(Out):
    repo_url: str
    commit: str | None
    branch: str | None
    url: str | None


class FailureOut(Out):
    reason: FailureReason
    message: str | None


class ReservationOut(Out):
    pool: str
    gpu_count: int
    reserved_at: datetime
    expires_at: datetime
    released_at: datetime | None
    hourly_cost_per_gpu: float = Field(
        description="The pool's rate when reserved: the GPU cost grows by gpu_count x this "
        "per hour until released_at"
    )
    cpu_cores: int = Field(description="The CPU cores it holds")
    memory_gb: int = Field(description="The memory (GB) it holds")
    hourly_cost_per_cpu_core: float = Field(
        description="The pool's CPU rate when reserved: the CPU cost grows by cpu_cores x "
        "this per hour until released_at"
    )


class CostOut(Out):
    gpu: float = Field(description="GPUs x hourly rate x reserved time; grows while RUNNING")
    api: float = Field(description="The sum of the API costs added to it")
    total: float = Field(description="gpu + cpu + api")
    currency: str
    cpu: float = Field(
        description="CPU cores x the pool's hourly rate per core x reserved time; grows while "
        "RUNNING"
    )


class MlflowLinkOut(Out):
    experiment_id: str
    run_id: str
    url: str | None = Field(description="The run in the MLflow UI")
    synced_at: datetime | None = Field(description="When MLflow last accepted part of it")
    pending_points: int = Field(description="Metric points not yet in MLflow")
    last_error: str | None = Field(description="Why the last attempt failed, if it did")
    last_error_at: datetime | None


class WandbLinkOut(Out):
    run_path: str = Field(description="entity/project/run id (W&B's run path)")
    url: str | None = Field(
        description="The run in the W&B UI; null while W&B has not named its entity (offline)"
    )
    synced_at: datetime | None = Field(description="When W&B last accepted part of it")
    pending_points: int = Field(description="Metric points not yet in W&B")
    last_error: str | None = Field(description="Why the last attempt failed, if it did")
    last_error_at: datetime | None


class QueueOut(Out):
    pool: str = Field(description="The pool it waits for")
    position: int = Field(description="Its place in the pool's queue, from 1")
    since: datetime = Field(description="When it joined the queue")
    estimated_start_at: datetime | None = Field(
        description="When it should start if every running reservation lasts to its end; "
        "null when no estimate holds (more GPUs than the pool has, a cap holding it back)"
    )


class ExperimentOut(Out):
    id: uuid.UUID
    name: str
    description: str | None
    status: ExperimentStatus
    type: ExperimentType
    model: str
    approach: str | None
    framework: str
    hyperparams: dict[str, Any]
    config: dict[str, Any]
    tags: list[str]
    hypothesis_id: uuid.UUID
    owner_id: uuid.UUID
    parent_id: uuid.UUID | None = Field(
        description="The run it is nested in; null without one, or when the caller may not read it"
    )
    resources: ResourcesOut
    progress: ProgressOut
    git: GitOut | None
    failure: FailureOut | None
    status_message: str | None = Field(description="The message given when it stopped or failed")
    reservation: ReservationOut | None = Field(description="The GPUs it holds or held")
    cost: CostOut
    mlflow: MlflowLinkOut | None = Field(
        description="Its MLflow run; null until opened, and without MLflow"
    )
    wandb: WandbLinkOut | None = Field(
        description="Its W&B run; null until opened, and without W&B"
    )
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    last_activity_at: datetime | None
    duration_seconds: float | None
    allowed_actions: list[ExperimentAction] = Field(
        description="What the caller may do to it now: the lifecycle moves its status allows "
        "(START, COMPLETE, FAIL, STOP; START not while it waits in the GPU queue), UPDATE and "
        "SET_PRIORITY while QUEUED (above 0 only for TL, CURATOR, ADMIN), DEQUEUE while it "
        "waits in the GPU queue, UPLOAD_ARTIFACT and ADD_API_COST; empty for a caller who "
        "may only read it"
    )
    last_log_seq: int = Field(
        description="The seq of its last log line (0 before any): the tail of N lines is "
        "GET /experiments/{id}/logs?after=<last_log_seq - N>"
    )
    priority: int = Field(description="The GPU queue's order: higher first, then FIFO")
    queue: QueueOut | None = Field(
        description="Its place in the GPU queue while it waits to start; null otherwise"
    )


class PageInfoOut(Out):
    has_next_page: bool
    end_cursor: str | None


class ExperimentPageOut(Out):
    items: list[ExperimentOut]
    page_info: PageInfoOut
    total_count: int


RestSortField = Literal[
    "created_at", "started_at", "finished_at", "duration", "cost", "metric", "name"
]


class ExperimentFilterQuery(QueryModel):
    """The experiment filter as query parameters (the list's and the facets')."""

    comma_separated: ClassVar[frozenset[str]] = frozenset({"status"})

    hypothesis_id: uuid.UUID | None = None
    parent_id: uuid.UUID | None = Field(default=None, description="Only the runs nested in it")
    status: list[ExperimentStatus] | None = Field(
        default=None, description="Repeat it or separate values with commas"
    )
    model: str | None = None
    owner_id: uuid.UUID | None = None
    type: ExperimentType | None = None
    created_after: UtcDateTime | None = None
    created_before: UtcDateTime | None = None
    search: str | None = Field(default=None, description="Text in the name or description")
    tag: list[str] | None = Field(default=None, description="Repeat it; every tag must match")

    @field_validator("status", mode="before")
    @classmethod
    def _upper_all(cls, value: Any) -> Any:
        return [v.upper() if isinstance(v, str) else v for v in value]

    @field_validator("type", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    def filter_data(self) -> ExperimentFilterData:
        return ExperimentFilterData(
            hypothesis_id=self.hypothesis_id,
            parent_id=self.parent_id,
            status=self.status,
            model=self.model,
            owner_id=self.owner_id,
            type=self.type,
            created_after=self.created_after,
            created_before=self.created_before,
            search=self.search,
            tags=self.tag,
        )


class ExperimentListQuery(ExperimentFilterQuery):
    order_by: RestSortField = "created_at"
    direction: Literal["asc", "desc"] = "desc"
    metric_key: str | None = Field(
        default=None,
        description="With `order_by=metric`: the metric whose last value orders the list "
        "(experiments without it come last)",
    )
    first: int = Field(
        default=50, description="Page size, 0-500", json_schema_extra={"minimum": 0, "maximum": 500}
    )
    after: str | None = Field(default=None, description="`page_info.end_cursor` of a page")

    @field_validator("order_by", "direction", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    def order_data(self) -> ExperimentOrderData:
        return ExperimentOrderData(
            field=SortField(self.order_by.upper()),
            direction=SortDirection(self.direction.upper()),
            metric_key=self.metric_key,
        )
