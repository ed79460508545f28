"""Metric rows of a comparison: per key, each experiment's last, min, max and best.

``best`` is the experiment's minimum for a ``MIN`` key and its maximum for a ``MAX`` key
(from the summaries: finite values only); a row's ``best_experiment_id`` is the
experiment whose ``best`` is best (the first of equals, in the order asked).

Against a baseline (one of the compared experiments), each cell also carries
``delta_vs_baseline``: its ``last`` minus the baseline's ``last``, None when either is
missing or not finite (NaN, an infinity); and ``delta_percent``: that delta as a
percentage of the baseline's magnitude (``100 * delta / |baseline|``, so a positive
percentage always means a higher value), None when there is no delta or the baseline's
``last`` is 0. Either is None where the arithmetic overflows. The baseline's own cell
has deltas of 0. Without a baseline both are None.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from app.compare.goals import MetricGoal, goal_for
from app.floats import finite_or_none
from app.models import MetricSeries


@dataclass(frozen=True)
class MetricCell:
    experiment_id: uuid.UUID
    last: float | None  # as stored: NaN and infinities included
    min: float | None
    max: float | None
    best: float | None
    delta_vs_baseline: float | None = None
    delta_percent: float | None = None


@dataclass(frozen=True)
class MetricRow:
    key: str
    goal: MetricGoal
    cells: list[MetricCell]
    best_experiment_id: uuid.UUID | None


def all_keys(summaries: Mapping[uuid.UUID, Sequence[MetricSeries]]) -> list[str]:
    return sorted({row.key for rows in summaries.values() for row in rows})


def _cell(experiment_id: uuid.UUID, row: MetricSeries | None, goal: MetricGoal) -> MetricCell:
    if row is None:
        return MetricCell(experiment_id, None, None, None, None)
    last = None
    if row.last_step is not None:
        last = math.nan if row.last_value is None else row.last_value
    best = row.min_value if goal is MetricGoal.MIN else row.max_value
    return MetricCell(experiment_id, last, row.min_value, row.max_value, best)


def _winner(cells: Sequence[MetricCell], goal: MetricGoal) -> uuid.UUID | None:
    sign = 1.0 if goal is MetricGoal.MIN else -1.0
    scored = [
        (sign * cell.best, index, cell.experiment_id)
        for index, cell in enumerate(cells)
        if cell.best is not None
    ]
    return min(scored)[2] if scored else None


def against_baseline(cells: Sequence[MetricCell], baseline: MetricCell) -> list[MetricCell]:
    """``cells`` with their deltas against ``baseline``'s ``last`` (the rule above)."""
    base = finite_or_none(baseline.last)
    result = []
    for cell in cells:
        own = finite_or_none(cell.last)
        delta = percent = None
        if own is not None and base is not None:
            delta = finite_or_none(own - base)  # an overflow (1e308 - -1e308) is no number
        if delta is not None and base:
            percent = finite_or_none(100.0 * delta / abs(base))
        result.append(replace(cell, delta_vs_baseline=delta, delta_percent=percent))
    return result


def metric_rows(
    experiment_ids: Sequence[uuid.UUID],
    summaries: Mapping[uuid.UUID, Sequence[MetricSeries]],
    keys: Sequence[str] | None,
    goals: Mapping[str, MetricGoal],
    baseline_id: uuid.UUID | None = None,
) -> list[MetricRow]:
    """One row per key (``keys``, or every key of these experiments, sorted); with
    ``baseline_id`` (one of ``experiment_ids``) the cells carry their deltas."""
    by_key = {
        (experiment_id, row.key): row
        for experiment_id in experiment_ids
        for row in summaries.get(experiment_id, ())
    }
    rows = []
    for key in all_keys(summaries) if keys is None else keys:
        goal = goal_for(key, goals)
        cells = [_cell(i, by_key.get((i, key)), goal) for i in experiment_ids]
        if baseline_id is not None:
            cells = against_baseline(cells, cells[experiment_ids.index(baseline_id)])
        rows.append(MetricRow(key, goal, cells, _winner(cells, goal)))
    return rows
