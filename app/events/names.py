"""Domain event names and broker channel names (``scope:id``), built in one place."""

from __future__ import annotations

import uuid
from enum import StrEnum

from app.models.enums import ExperimentStatus


class EventType(StrEnum):
    EXPERIMENT_CREATED = "ExperimentCreated"
    EXPERIMENT_UPDATED = "ExperimentUpdated"
    EXPERIMENT_STARTED = "ExperimentStarted"
    EXPERIMENT_COMPLETED = "ExperimentCompleted"
    EXPERIMENT_FAILED = "ExperimentFailed"
    EXPERIMENT_STOPPED = "ExperimentStopped"
    RESOURCES_UNAVAILABLE = "ResourcesUnavailable"
    RESERVATION_EXPIRING = "ReservationExpiring"
    STORAGE_LIMIT_EXCEEDED = "StorageLimitExceeded"


# The events other services consume from the Redis Stream
LIFECYCLE_EVENTS = frozenset(
    {
        EventType.EXPERIMENT_CREATED,
        EventType.EXPERIMENT_STARTED,
        EventType.EXPERIMENT_COMPLETED,
        EventType.EXPERIMENT_FAILED,
        EventType.EXPERIMENT_STOPPED,
    }
)

EVENT_FOR_STATUS = {
    ExperimentStatus.RUNNING: EventType.EXPERIMENT_STARTED,
    ExperimentStatus.COMPLETED: EventType.EXPERIMENT_COMPLETED,
    ExperimentStatus.FAILED: EventType.EXPERIMENT_FAILED,
    ExperimentStatus.STOPPED: EventType.EXPERIMENT_STOPPED,
}


def experiment_channel(experiment_id: uuid.UUID) -> str:
    return f"experiment:{experiment_id}"


def user_channel(user_id: uuid.UUID) -> str:
    return f"user:{user_id}"


EXPERIMENTS_CHANNEL = "experiments"
