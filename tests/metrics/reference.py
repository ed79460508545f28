"""A reference downsampled read: ``app.metrics.rules`` applied to a series' points held in
memory (no rollups, no SQL), what every store's history read must answer for series of
distinct steps and distinct finite values."""

from __future__ import annotations

from datetime import datetime

from app.metrics.history import Point, Series
from app.metrics.rules import Aggregate, bucketing
from tests.compare.reference import _assemble


def reference_read(
    key: str,
    points: list[tuple[int, float, datetime]],
    max_points: int,
    step_from: int | None = None,
    step_to: int | None = None,
) -> Series:
    ordered = sorted(points, key=lambda p: p[0])
    if not ordered:
        return Series(key, [], 0, False)
    lo = max(step_from if step_from is not None else 0, ordered[0][0])
    hi = min(step_to if step_to is not None else ordered[-1][0], ordered[-1][0])
    inside = [Point(*p) for p in ordered if lo <= p[0] <= hi]
    if len(inside) <= max_points:
        return Series(key, inside, len(inside), False)
    width = bucketing(0, lo, hi, max_points).width
    buckets: dict[int, Aggregate] = {}
    for p in inside:
        buckets.setdefault(p.step // width, Aggregate()).add(p.step, p.value, p.timestamp)
    return Series(key, _assemble(buckets, inside[-1], max_points), len(inside), True)
