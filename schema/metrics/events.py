"""The live metric events of ``metricPoints`` and ``runMonitor``."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.floats import finite_or_none
from app.live.metrics import LivePoint, SharedPoints
from schema.engine import shared
from schema.scalars import BigInt


@strawberry.type
class MetricEventPoint:
    key: str
    step: BigInt
    value: float | None = strawberry.field(description="null for NaN and infinities")
    timestamp: datetime


@strawberry.type
class MetricsEvent:
    experiment_id: strawberry.ID
    points: list[MetricEventPoint]


def _point(point: LivePoint) -> MetricEventPoint:
    return MetricEventPoint(
        key=point.key,
        step=BigInt(point.step),
        value=finite_or_none(point.value),
        timestamp=point.timestamp,
    )


def metrics_event(ident: strawberry.ID, points: list[LivePoint]) -> MetricsEvent:
    """Built (and executed) once per live batch its subscribers share
    (``schema/engine/shared_events.py``); a replay chunk is the caller's own."""

    def make() -> MetricsEvent:
        return MetricsEvent(experiment_id=ident, points=[_point(p) for p in points])

    return shared(points, make) if isinstance(points, SharedPoints) else make()
