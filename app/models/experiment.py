"""Experiments (training runs): configuration, resources, progress and lifecycle state."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Enum, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, JSONDocument, UUIDPrimaryKey, utcnow
from app.models.enums import ExperimentStatus, ExperimentType, FailureReason
from app.models.hypothesis import Hypothesis
from app.models.user import User


class Experiment(UUIDPrimaryKey, Base):
    __tablename__ = "experiments"

    hypothesis_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("hypotheses.id"), index=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    # A nested run's parent (MLflow's ``mlflow.parentRunId``): ``Experiment.parent``/``children``
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("experiments.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[ExperimentStatus] = mapped_column(
        Enum(ExperimentStatus, name="experiment_status", native_enum=False, length=16),
        default=ExperimentStatus.QUEUED,
    )
    type: Mapped[ExperimentType] = mapped_column(
        Enum(ExperimentType, name="experiment_type", native_enum=False, length=8)
    )
    model: Mapped[str] = mapped_column(String(200), index=True)
    approach: Mapped[str | None] = mapped_column(String(200))
    framework: Mapped[str] = mapped_column(String(100))
    hyperparams: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    config: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    tags: Mapped[list[str]] = mapped_column(JSONDocument, default=list)

    # Resource request
    gpu_type: Mapped[str | None] = mapped_column(String(64))
    gpu_count: Mapped[int] = mapped_column(Integer, default=0)
    cpu_cores: Mapped[int] = mapped_column(Integer, default=1)
    memory_gb: Mapped[int] = mapped_column(Integer, default=4)
    max_duration_minutes: Mapped[int] = mapped_column(Integer, default=60)

    # Code
    git_repo_url: Mapped[str | None] = mapped_column(String(1000))
    git_commit: Mapped[str | None] = mapped_column(String(64))
    git_branch: Mapped[str | None] = mapped_column(String(255))

    # Progress, as last reported; the rate is smoothed work units (steps or epochs) a second
    progress_step: Mapped[int | None] = mapped_column(BigInteger)
    progress_total_steps: Mapped[int | None] = mapped_column(BigInteger)
    progress_epoch: Mapped[int | None] = mapped_column(Integer)
    progress_total_epochs: Mapped[int | None] = mapped_column(Integer)
    progress_rate: Mapped[float | None] = mapped_column(Float)
    progress_reported_at: Mapped[datetime | None] = mapped_column()

    # The last log sequence number handed out; bumped under the row lock, so gapless
    log_seq: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # Accepted metric batches so far: live events carry it, so a subscriber that replayed
    # from the database can drop live batches its replay already held
    metric_seq: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # Bytes of its artifacts plus the quota reserved by its uploads in flight
    artifact_bytes: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")

    # Costs: the sum of API costs, and the GPU and CPU costs made final at release
    api_cost: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    gpu_cost: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    cpu_cost: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")

    failure_reason: Mapped[FailureReason | None] = mapped_column(
        Enum(FailureReason, name="failure_reason", native_enum=False, length=32)
    )
    failure_message: Mapped[str | None] = mapped_column(Text)

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    started_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
    last_activity_at: Mapped[datetime | None] = mapped_column()
    # Set when the experiment reaches a terminal status, so lists can sort by it
    duration_seconds: Mapped[float | None] = mapped_column(Float)

    # The GPU queue (``app/resources/queue.py``): higher priority first, then FIFO by
    # ``queued_at``. ``queued_at`` is set while the experiment waits for GPUs (QUEUED and
    # waiting), with the pool it waits for; position and estimated start are the
    # scheduler's last plan.
    priority: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    queued_at: Mapped[datetime | None] = mapped_column()
    queue_pool: Mapped[str | None] = mapped_column(String(100))
    queue_position: Mapped[int | None] = mapped_column(Integer)
    queue_estimated_start_at: Mapped[datetime | None] = mapped_column()

    owner: Mapped[User] = relationship(lazy="raise")
    hypothesis: Mapped[Hypothesis] = relationship(lazy="raise")

    __table_args__ = (
        Index("ix_experiments_status_created", "status", "created_at"),
        Index("ix_experiments_created_at_id", "created_at", "id"),
        Index("ix_experiments_queue", "queue_pool", "queued_at"),
    )
