"""The MLflow mirror's own state: one ``mlflow_runs`` row per mirrored experiment, and
``mlflow_queue``: what is still to be sent, written in the same transaction as the change
it mirrors (a metric batch, an artifact), so nothing is lost while MLflow is down."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow

BigId = BigInteger().with_variant(Integer(), "sqlite")


class MlflowRun(Base):
    __tablename__ = "mlflow_runs"

    experiment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("experiments.id", ondelete="CASCADE"), primary_key=True
    )
    # Filled once the run exists in MLflow
    mlflow_experiment_id: Mapped[str | None] = mapped_column(String(64))
    run_id: Mapped[str | None] = mapped_column(String(64))
    artifact_uri: Mapped[str | None] = mapped_column(String(1000))
    # The MLflow status sent at the end (FINISHED, FAILED, KILLED); null while running
    final_status: Mapped[str | None] = mapped_column(String(16))
    points_synced: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    synced_at: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MlflowQueueItem(Base):
    """One thing to send, in ``id`` order per experiment. ``sent`` counts the points of a
    metrics item already accepted by MLflow, so a retry resumes after them."""

    __tablename__ = "mlflow_queue"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    experiment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("experiments.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # "metrics" or "artifact"
    points: Mapped[int] = mapped_column(Integer, default=0)
    sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
