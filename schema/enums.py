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
    QueueOrder,
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
QueueOrderEnum = strawberry.enum(
    QueueOrder,
    name="QueueOrder",
    description="How a pool orders its waiting experiments within a priority (higher "
    "priorities always go first). FIFO: by the time they joined. WIDEST_FIRST: by the UTC "
    "day they joined, earlier days first; within a day, the ones asking for the most GPUs "
    "(then CPU cores, then memory) first, among equals the shorter maxDurationMinutes "
    "first, then by the time they joined. It keeps a pool's GPUs busier while work waits; "
    "a narrow request may be passed by wider ones that join later the same day, never by "
    "one of a later day. In both, a later entry starts ahead of an earlier one only where "
    "that cannot move the earlier one's estimated start.",
)
