"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""

from app.models.base import Base
from app.models.experiment import Experiment
from app.models.hypothesis import Hypothesis, hypothesis_observers
from app.models.outbox import OutboxEvent
from app.models.user import ApiToken, User

__all__ = [
    "ApiToken",
    "Base",
    "Experiment",
    "Hypothesis",
    "OutboxEvent",
    "User",
    "hypothesis_observers",
]
