"""Typed inputs of the experiment services, shared by GraphQL and REST.

They check types only; the domain rules (lengths, presets, resource bounds, visibility)
live in ``validators.py`` so both edges report the same field errors.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.models.enums import ExperimentStatus, ExperimentType, FailureReason
from app.validation import INT32_MAX, INT64_MAX, UtcDateTime


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


# Lengths the validators enforce (``validators.py``); stated here so the OpenAPI document
# says them too (documentation only: the validators give the field errors)
MAX_NAME = 200
MAX_FRAMEWORK = 100
MAX_DESCRIPTION = 64 * 1024
MAX_TAGS = 32
MAX_TAG_LENGTH = 64


def _doc(**limits: Any) -> Any:
    return Field(json_schema_extra=limits)


def _drop_nulls(data: Any) -> Any:
    """A null number means "the default" (GraphQL inputs may send null for them)."""
    if isinstance(data, dict):
        return {key: value for key, value in data.items() if value is not None}
    return data


class ResourceRequestData(Input):
    _defaults_for_nulls = model_validator(mode="before")(_drop_nulls)

    gpu_type: str | None = None
    gpu_count: int = 0
    cpu_cores: int = 1
    memory_gb: int = 4
    max_duration_minutes: int = 60


class GitRefData(Input):
    repo_url: str
    commit: str | None = None
    branch: str | None = None


class ExperimentCreate(Input):
    hypothesis_id: uuid.UUID
    parent_id: uuid.UUID | None = Field(
        default=None,
        description="A nested run's parent: an experiment of the same hypothesis the caller "
        "may read",
    )
    name: str = _doc(minLength=1, maxLength=MAX_NAME)
    description: str | None = Field(default=None, json_schema_extra={"maxLength": MAX_DESCRIPTION})
    type: ExperimentType
    model: str = _doc(minLength=1, maxLength=MAX_NAME)
    approach: str | None = Field(default=None, json_schema_extra={"maxLength": MAX_NAME})
    framework: str = _doc(minLength=1, maxLength=MAX_FRAMEWORK)
    hyperparams: Any = None
    config: Any = None
    resources: ResourceRequestData | None = None
    git: GitRefData | None = None
    tags: list[str] | None = Field(default=None, json_schema_extra={"maxItems": MAX_TAGS})
    priority: int = Field(
        default=0,
        description="The queue's order: higher first (-1000-1000); above 0 only for TL, "
        "CURATOR and ADMIN",
    )


class ExperimentUpdate(Input):
    """Only the fields present in the input are changed (``model_fields_set``)."""

    name: str | None = None
    description: str | None = None
    model: str | None = None
    approach: str | None = None
    framework: str | None = None
    hyperparams: Any = None
    config: Any = None
    resources: ResourceRequestData | None = None
    git: GitRefData | None = None
    tags: list[str] | None = None


HEARTBEAT_DESCRIPTION = (
    "A report with no field is a heartbeat: it keeps the experiment from the activity "
    "timeout (EXPSVC_ACTIVITY_TIMEOUT_SECONDS) and leaves the progress, its rate and the "
    "ETA as they were; it publishes no live event. Any report on an experiment that is not "
    "RUNNING is INVALID_TRANSITION with details.status."
)


class ProgressData(Input):
    """A progress report: the fields sent replace the stored ones (null clears one)."""

    step: int | None = Field(default=None, ge=0, le=INT64_MAX)
    total_steps: int | None = Field(default=None, ge=1, le=INT64_MAX)
    epoch: int | None = Field(default=None, ge=0, le=INT32_MAX)
    total_epochs: int | None = Field(default=None, ge=1, le=INT32_MAX)

    @property
    def is_heartbeat(self) -> bool:
        """No field sent: the run only says it is alive; its progress has not moved."""
        return not self.model_fields_set


class FailData(Input):
    reason: FailureReason
    message: str | None = None


class StopData(Input):
    message: str | None = None


class StartData(Input):
    wait: bool = Field(
        default=True,
        description="Without free GPUs, wait in the queue and start as soon as they are free "
        "(false: RESOURCES_UNAVAILABLE at once)",
    )


class PriorityData(Input):
    priority: int = Field(
        description="Higher first (-1000-1000); above 0 only for TL, CURATOR and ADMIN"
    )


class ExperimentFilterData(Input):
    hypothesis_id: uuid.UUID | None = None
    parent_id: uuid.UUID | None = None
    status: list[ExperimentStatus] | None = None
    model: str | None = None
    owner_id: uuid.UUID | None = None
    type: ExperimentType | None = None
    created_after: UtcDateTime | None = None
    created_before: UtcDateTime | None = None
    search: str | None = None
    tags: list[str] | None = None


class SortField(StrEnum):
    CREATED_AT = "CREATED_AT"
    STARTED_AT = "STARTED_AT"
    FINISHED_AT = "FINISHED_AT"
    DURATION = "DURATION"
    COST = "COST"
    METRIC = "METRIC"
    NAME = "NAME"


class SortDirection(StrEnum):
    ASC = "ASC"
    DESC = "DESC"


class ExperimentOrderData(Input):
    _defaults_for_nulls = model_validator(mode="before")(_drop_nulls)

    field: SortField = SortField.CREATED_AT
    direction: SortDirection = SortDirection.DESC
    metric_key: str | None = None
