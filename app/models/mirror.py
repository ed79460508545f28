"""The mirrors' own state (MLflow, W&B: ``target``): one ``mirror_runs`` row per mirrored
experiment and target, and ``mirror_queue``: what is still to be sent, written in the same
transaction as the change it mirrors (a metric batch, an artifact), one item per target,
so nothing is lost while a target is down."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow

BigId = BigInteger().with_variant(Integer(), "sqlite")

MLFLOW = "mlflow"
WANDB = "wandb"
TARGETS = (MLFLOW, WANDB)


class MirrorRun(Base):
    __tablename__ = "mirror_runs"

    target: Mapped[str] = mapped_column(String(16), primary_key=True)
    experiment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("experiments.id", ondelete="CASCADE"), primary_key=True
    )
    # Filled once the run exists there. ``remote_group``: what holds the run (MLflow: the
    # experiment id; W&B: "entity/project"); ``run_id``: the run's id in it
    remote_group: Mapped[str | None] = mapped_column(String(255))
    run_id: Mapped[str | None] = mapped_column(String(64))
    artifact_uri: Mapped[str | None] = mapped_column(String(1000))  # MLflow's artifact store
    # The final status sent at the end (MLflow: FINISHED, FAILED, KILLED; W&B: the exit
    # code); null while running
    final_status: Mapped[str | None] = mapped_column(String(16))
    points_synced: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # W&B: the last history step it accepted (it drops rows with a step not greater)
    # and the last log line (``log_lines.seq``) sent as console output
    last_step: Mapped[int | None] = mapped_column(BigInteger)
    log_seq: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    synced_at: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MirrorQueueItem(Base):
    """One thing to send to one target, in ``id`` order per experiment. ``sent`` counts
    the points of a metrics item already accepted there, so a retry resumes after them."""

    __tablename__ = "mirror_queue"
    __table_args__ = (Index("ix_mirror_queue_target_experiment", "target", "experiment_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    target: Mapped[str] = mapped_column(String(16))
    experiment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("experiments.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # "metrics" or "artifact"
    points: Mapped[int] = mapped_column(Integer, default=0)
    sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
