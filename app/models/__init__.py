"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""

from app.models.base import Base
from app.models.experiment import Experiment
from app.models.hypothesis import Hypothesis, hypothesis_observers
from app.models.log import log_lines
from app.models.metric import MetricSeries, metric_batches, metric_points, metric_rollups
from app.models.outbox import OutboxEvent
from app.models.user import ApiToken, User

__all__ = [
    "ApiToken",
    "Base",
    "Experiment",
    "Hypothesis",
    "MetricSeries",
    "OutboxEvent",
    "User",
    "hypothesis_observers",
    "log_lines",
    "metric_batches",
    "metric_points",
    "metric_rollups",
]
