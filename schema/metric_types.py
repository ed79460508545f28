"""GraphQL types of metric history and summaries."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.metrics.history import Series, as_float_or_none
from app.models import MetricSeries as SeriesRow
from schema.scalars import BigInt


@strawberry.type
class MetricSummary:
    key: str
    last: float | None
    last_step: BigInt | None
    min: float | None
    max: float | None
    count: BigInt

    @classmethod
    def from_row(cls, row: SeriesRow) -> MetricSummary:
        last = None if row.last_value is None else as_float_or_none(row.last_value)
        return cls(
            key=row.key,
            last=last,
            last_step=BigInt(row.last_step) if row.last_step is not None else None,
            min=row.min_value,
            max=row.max_value,
            count=BigInt(row.count),
        )


@strawberry.type
class MetricPoint:
    step: BigInt
    value: float | None = strawberry.field(description="null for NaN and infinities")
    timestamp: datetime


@strawberry.type(
    description="At most maxPoints points; when downsampled each bucket keeps its min and "
    "max, and the series always ends with the true last point."
)
class MetricSeries:
    key: str
    points: list[MetricPoint]
    total_points: BigInt
    downsampled: bool

    @classmethod
    def from_series(cls, series: Series) -> MetricSeries:
        return cls(
            key=series.key,
            points=[
                MetricPoint(
                    step=BigInt(p.step), value=as_float_or_none(p.value), timestamp=p.timestamp
                )
                for p in series.points
            ],
            total_points=BigInt(series.total_points),
            downsampled=series.downsampled,
        )


@strawberry.input
class MetricPointInput:
    key: str
    value: float
    step: BigInt
    timestamp: datetime | None = None
