"""Enumerations shared by the models, the services and the GraphQL schema."""

from enum import StrEnum


class ExperimentStatus(StrEnum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    STOPPED = "STOPPED"

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_STATUSES


TERMINAL_STATUSES = frozenset(
    {ExperimentStatus.COMPLETED, ExperimentStatus.FAILED, ExperimentStatus.STOPPED}
)


class ExperimentType(StrEnum):
    LLM = "LLM"
    ML = "ML"
    CV = "CV"


class Role(StrEnum):
    DS = "DS"
    MLE = "MLE"
    TL = "TL"
    CURATOR = "CURATOR"
    ADMIN = "ADMIN"


class FailureReason(StrEnum):
    OOM = "OOM"
    RESOURCES_UNAVAILABLE = "RESOURCES_UNAVAILABLE"
    LOGGING_TIMEOUT = "LOGGING_TIMEOUT"
    STORAGE_LIMIT_EXCEEDED = "STORAGE_LIMIT_EXCEEDED"
    RESERVATION_EXPIRED = "RESERVATION_EXPIRED"
    USER_ERROR = "USER_ERROR"
    INTERNAL = "INTERNAL"


class LogLevel(StrEnum):
    DEBUG = "DEBUG"
    INFO = "INFO"
    WARNING = "WARNING"
    ERROR = "ERROR"
    CRITICAL = "CRITICAL"


class ArtifactKind(StrEnum):
    MODEL = "MODEL"
    CHECKPOINT = "CHECKPOINT"
    REPORT = "REPORT"
    DATASET = "DATASET"
    OTHER = "OTHER"


class QueueOrder(StrEnum):
    """How a pool orders its waiting entries within a priority level (``resources/plan.py``)."""

    FIFO = "FIFO"
    WIDEST_FIRST = "WIDEST_FIRST"
