"""GraphQL enums, registered from the Python enums the services use."""

from __future__ import annotations

import strawberry

from app.experiments.actions import ExperimentAction
from app.experiments.schemas import SortDirection, SortField
from app.models.enums import (
    ArtifactKind,
    ExperimentStatus,
    ExperimentType,
    FailureReason,
    LogLevel,
    Role,
)

ExperimentStatusEnum = strawberry.enum(ExperimentStatus, name="ExperimentStatus")
ExperimentTypeEnum = strawberry.enum(ExperimentType, name="ExperimentType")
RoleEnum = strawberry.enum(Role, name="Role")
FailureReasonEnum = strawberry.enum(FailureReason, name="FailureReason")
LogLevelEnum = strawberry.enum(LogLevel, name="LogLevel")
ArtifactKindEnum = strawberry.enum(ArtifactKind, name="ArtifactKind")
SortDirectionEnum = strawberry.enum(SortDirection, name="SortDirection")
ExperimentSortFieldEnum = strawberry.enum(SortField, name="ExperimentSortField")
ExperimentActionEnum = strawberry.enum(
    ExperimentAction,
    name="ExperimentAction",
    description="Something a caller may do to an experiment (Experiment.allowedActions).",
)
