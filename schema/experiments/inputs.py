"""GraphQL inputs of experiments: creation, changes, progress, the list's filter and order."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

import schema.enums  # noqa: F401  (registers SortField as ExperimentSortField first)
from app.experiments.schemas import ExperimentFilterData, SortDirection, SortField
from app.models.enums import ExperimentStatus, ExperimentType
from schema.inputs import to_model
from schema.scalars import BigInt


@strawberry.input(description="A null or missing number takes its default.")
class ResourceRequestInput:
    gpu_type: str | None = None
    gpu_count: int | None = 0
    cpu_cores: int | None = 1
    memory_gb: int | None = 4
    max_duration_minutes: int | None = 60


@strawberry.input
class GitRefInput:
    repo_url: str
    commit: str | None = None
    branch: str | None = None


@strawberry.input
class CreateExperimentInput:
    hypothesis_id: strawberry.ID
    name: str
    type: ExperimentType
    model: str
    framework: str
    description: str | None = strawberry.UNSET
    approach: str | None = strawberry.UNSET
    hyperparams: JSON | None = strawberry.UNSET
    config: JSON | None = strawberry.UNSET
    resources: ResourceRequestInput | None = strawberry.UNSET
    git: GitRefInput | None = strawberry.UNSET
    tags: list[str] | None = strawberry.UNSET
    parent_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Nest it in this run: an experiment of the same hypothesis the caller "
        "may read.",
    )
    priority: int = strawberry.field(
        default=0,
        description="The GPU queue's order: higher first (-1000-1000); above 0 only for TL, "
        "CURATOR and ADMIN.",
    )


@strawberry.input
class UpdateExperimentInput:
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    model: str | None = strawberry.UNSET
    approach: str | None = strawberry.UNSET
    framework: str | None = strawberry.UNSET
    hyperparams: JSON | None = strawberry.UNSET
    config: JSON | None = strawberry.UNSET
    resources: ResourceRequestInput | None = strawberry.UNSET
    git: GitRefInput | None = strawberry.UNSET
    tags: list[str] | None = strawberry.UNSET


@strawberry.input
class ProgressInput:
    step: BigInt | None = strawberry.UNSET
    total_steps: BigInt | None = strawberry.UNSET
    epoch: int | None = strawberry.UNSET
    total_epochs: int | None = strawberry.UNSET


@strawberry.input
class ExperimentFilter:
    hypothesis_id: strawberry.ID | None = strawberry.UNSET
    status: list[ExperimentStatus] | None = strawberry.UNSET
    model: str | None = strawberry.UNSET
    owner_id: strawberry.ID | None = strawberry.UNSET
    type: ExperimentType | None = strawberry.UNSET
    created_after: datetime | None = strawberry.UNSET
    created_before: datetime | None = strawberry.UNSET
    search: str | None = strawberry.UNSET
    tags: list[str] | None = strawberry.UNSET
    parent_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Only the runs nested in this one."
    )


@strawberry.input
class ExperimentOrder:
    field: SortField
    direction: SortDirection | None = SortDirection.DESC
    metric_key: str | None = None


def filter_data(value: ExperimentFilter | None) -> ExperimentFilterData | None:
    return None if value is None else to_model(ExperimentFilterData, value, prefix="filter")
