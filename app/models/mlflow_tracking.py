"""What the MLflow-compatible tracking API (``app/mlflow_api/``) keeps beyond our own
columns: MLflow tags exactly as the client set them, and runs MLflow deleted (a soft,
restorable delete; our experiment and its data stay)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, PrimaryKeyConstraint, String, Table, Text

from app.models.base import Base, UTCDateTime

MAX_TAG_KEY = 250
MAX_TAG_VALUE = 8000

mlflow_tags = Table(
    "mlflow_tags",
    Base.metadata,
    Column("experiment_id", ForeignKey("experiments.id", ondelete="CASCADE"), nullable=False),
    Column("key", String(MAX_TAG_KEY), nullable=False),
    Column("value", Text, nullable=False),
    PrimaryKeyConstraint("experiment_id", "key", name="pk_mlflow_tags"),
)

mlflow_deleted_runs = Table(
    "mlflow_deleted_runs",
    Base.metadata,
    Column(
        "experiment_id",
        ForeignKey("experiments.id", ondelete="CASCADE"),
        nullable=False,
        primary_key=True,
    ),
    Column("deleted_at", UTCDateTime(), nullable=False),
)
