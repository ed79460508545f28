"""GraphQL types of metric history and summaries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from math import isfinite

import strawberry

from app.floats import all_finite, finite_or_none
from app.metrics.history import Point, Series, columns_of
from app.metrics.rules import STATISTICS, summary_statistics
from app.models import MetricSeries as SeriesRow
from schema.engine import Columns, plain_input
from schema.scalars import BigInt


@strawberry.type
class MetricSummary:
    key: str
    last: float | None
    last_step: BigInt | None
    min: float | None = strawberry.field(description=STATISTICS["min"])
    max: float | None = strawberry.field(description=STATISTICS["max"])
    mean: float | None = strawberry.field(description=STATISTICS["mean"])
    count: BigInt

    @classmethod
    def from_row(cls, row: SeriesRow) -> MetricSummary:
        """The statistics of ``summary_statistics``; NaN and infinities as null."""
        statistics = summary_statistics(row)
        return cls(key=row.key, **statistics | {"last": finite_or_none(statistics["last"])})


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
        """The points as ``Columns`` (``schema.engine``): no ``MetricPoint`` per point
        unless graphql-core must complete them one by one; for a kept answer the columns
        (and their coerced forms) are made once and shared by every read of it."""
        derived = series.derived
        if derived is None:
            points = point_columns(series.points)
        else:
            points = derived.get(POINT_COLUMNS, point_columns)
        return cls(
            key=series.key,
            points=points,  # type: ignore[arg-type]
            total_points=BigInt(series.total_points),
            downsampled=series.downsampled,
        )


POINT_COLUMNS = "schema.metrics.types.MetricPoint"  # the key of these columns in ``Derived``


def point_columns(points: Sequence[Point]) -> Columns:
    """``MetricPoint``s as columns: BigInt is ``int`` at run time, and a value that is not
    finite (NaN, infinities) is null. ``PointColumns`` lend their lists (never changed)."""
    steps, values, stamps = columns_of(points)
    if not all_finite(values):
        values = [v if isfinite(v) else None for v in values]  # type: ignore[misc]
    return Columns(MetricPoint, {"step": steps, "value": values, "timestamp": stamps})


@plain_input  # built in one call: a batch sends thousands
@strawberry.input
class MetricPointInput:
    key: str
    value: float
    step: BigInt = strawberry.field(
        description="0 to 9007199254740991 (2^53 - 1): the steps a downsampled read supports"
    )
    timestamp: datetime | None = None
