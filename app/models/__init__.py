"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""

from app.models.artifact import Artifact, ArtifactUpload, storage_usage
from app.models.base import Base
from app.models.experiment import Experiment
from app.models.hypothesis import Hypothesis, hypothesis_observers
from app.models.log import log_batches, log_lines
from app.models.metric import (
    MetricSeries,
    metric_batches,
    metric_chunks,
    metric_points,
    metric_rollups,
)
from app.models.mirror import MirrorQueueItem, MirrorRun
from app.models.mlflow_tracking import mlflow_deleted_runs, mlflow_tags
from app.models.notification import Notification
from app.models.notification_delivery import NotificationDelivery, NotificationPreference
from app.models.outbox import OutboxEvent
from app.models.resource import ApiCost, Reservation, ResourcePool
from app.models.user import ApiToken, User
from app.models.wandb import WandbImport

__all__ = [
    "ApiCost",
    "ApiToken",
    "Artifact",
    "ArtifactUpload",
    "Base",
    "Experiment",
    "Hypothesis",
    "MetricSeries",
    "MirrorQueueItem",
    "MirrorRun",
    "Notification",
    "NotificationDelivery",
    "NotificationPreference",
    "OutboxEvent",
    "Reservation",
    "ResourcePool",
    "User",
    "WandbImport",
    "hypothesis_observers",
    "log_batches",
    "log_lines",
    "metric_batches",
    "metric_chunks",
    "metric_points",
    "metric_rollups",
    "mlflow_deleted_runs",
    "mlflow_tags",
    "storage_usage",
]
