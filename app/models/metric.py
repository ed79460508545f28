"""Metric storage: one ``metric_series`` row per (experiment, key) holding the summary,
``metric_rollups``: per-level min/max buckets that make a downsampled read cost the same
however long the series is, and the raw points.

Where the raw points are depends on the store (``app.metrics.stores``): SQLite keeps each in
a row of ``metric_points``; PostgreSQL keeps them as ``metric_chunks``, a batch's points of
one series and level-1 bucket (16 steps) in one row of three arrays (a 1,000-point batch is
~63 rows instead of 1,000). Each store leaves the other's table empty.

A NaN value is stored as NULL in a column (SQLite cannot store NaN) and as NaN in an array;
infinities are stored as they are. Summaries and rollups only count finite values in
min/max.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, utcnow

BigId = BigInteger().with_variant(Integer(), "sqlite")


class MetricSeries(Base):
    __tablename__ = "metric_series"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    experiment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("experiments.id", ondelete="CASCADE")
    )
    key: Mapped[str] = mapped_column(String(250))
    count: Mapped[int] = mapped_column(BigInteger, default=0)
    first_step: Mapped[int | None] = mapped_column(BigInteger)
    last_step: Mapped[int | None] = mapped_column(BigInteger)
    last_value: Mapped[float | None] = mapped_column(Float)
    last_timestamp: Mapped[datetime | None] = mapped_column()
    min_value: Mapped[float | None] = mapped_column(Float)
    max_value: Mapped[float | None] = mapped_column(Float)
    # the mean's parts: the sum and the number of the finite values
    value_sum: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    finite_count: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("experiment_id", "key"),
        # MLflow's runs/search: a metric filter reads the series of one key by value.
        # Partial, so no plain ORDER BY key can take it (see migration 0010)
        Index(
            "ix_metric_series_key_last_value",
            "key",
            "last_value",
            sqlite_where=text("last_value IS NOT NULL"),
            postgresql_where=text("last_value IS NOT NULL"),
        ),
    )


# The hot table has no surrogate key: (series_id, step) is what every read walks.
metric_points = Table(
    "metric_points",
    Base.metadata,
    Column("series_id", BigInteger, nullable=False),
    Column("step", BigInteger, nullable=False),
    Column("value", Float, nullable=True),
    Column("timestamp", UTCDateTime(), nullable=False),
    Index("ix_metric_points_series_step", "series_id", "step"),
)

metric_rollups = Table(
    "metric_rollups",
    Base.metadata,
    Column("series_id", BigInteger, nullable=False),
    Column("level", SmallInteger, nullable=False),
    Column("bucket", BigInteger, nullable=False),
    Column("count", BigInteger, nullable=False),
    Column("min_value", Float, nullable=True),
    Column("min_step", BigInteger, nullable=True),
    Column("min_timestamp", UTCDateTime(), nullable=True),
    Column("max_value", Float, nullable=True),
    Column("max_step", BigInteger, nullable=True),
    Column("max_timestamp", UTCDateTime(), nullable=True),
    PrimaryKeyConstraint("series_id", "level", "bucket", name="pk_metric_rollups"),
)

# PostgreSQL's raw points (``app.metrics.pg_store``): one batch's points of a level-1 bucket
# (``bucket``: ``step >> 4``), in the batch's order; only ever inserted. The columns are
# JSON on SQLite only so that both databases have the same tables.
metric_chunks = Table(
    "metric_chunks",
    Base.metadata,
    Column("series_id", BigInteger, nullable=False),
    Column("bucket", BigInteger, nullable=False),
    Column("steps", ARRAY(BigInteger).with_variant(JSON(), "sqlite"), nullable=False),
    Column("vals", ARRAY(Float).with_variant(JSON(), "sqlite"), nullable=False),
    Column("times", ARRAY(DateTime(timezone=True)).with_variant(JSON(), "sqlite"), nullable=False),
    Index("ix_metric_chunks_series_bucket", "series_id", "bucket"),
)

# Idempotent retries: a batch_id already seen answers its first answer and writes nothing.
metric_batches = Table(
    "metric_batches",
    Base.metadata,
    Column("experiment_id", ForeignKey("experiments.id", ondelete="CASCADE"), nullable=False),
    Column("batch_id", String(128), nullable=False),
    Column("accepted", Integer, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    PrimaryKeyConstraint("experiment_id", "batch_id", name="pk_metric_batches"),
)
