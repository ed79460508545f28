"""Log lines: a gapless per-experiment sequence (allocated from ``experiments.log_seq``);
the batch ids claimed by idempotent batches."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from app.models.base import Base, UTCDateTime

log_lines = Table(
    "log_lines",
    Base.metadata,
    Column("experiment_id", ForeignKey("experiments.id", ondelete="CASCADE"), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("timestamp", UTCDateTime(), nullable=False),
    Column("level", String(8), nullable=False),
    Column("message", Text, nullable=False),
    Column("source", String(16), nullable=False),
    PrimaryKeyConstraint("experiment_id", "seq", name="pk_log_lines"),
    Index("ix_log_lines_experiment_level_seq", "experiment_id", "level", "seq"),
)

# Idempotent retries: a batch_id already seen answers its first answer and writes nothing
# (as ``metric_batches`` for metrics).
log_batches = Table(
    "log_batches",
    Base.metadata,
    Column("experiment_id", ForeignKey("experiments.id", ondelete="CASCADE"), nullable=False),
    Column("batch_id", String(128), nullable=False),
    Column("accepted", Integer, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    PrimaryKeyConstraint("experiment_id", "batch_id", name="pk_log_batches"),
)
