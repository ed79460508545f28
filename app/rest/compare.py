"""``POST /experiments/compare``: the comparison GraphQL's ``compareExperiments`` answers.

The same checks and rules (``app.compare``); everything is read in one reader session:
the experiments, their summaries, and the series of ``series_keys`` in one batched read.
Values are JSON as in the metric routes: NaN and infinities as strings.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.compare import metrics as compare_metrics
from app.compare import service as compare
from app.compare.goals import MetricGoal
from app.compare.params import param_rows
from app.errors import NotFound, ValidationFailed
from app.floats import spelled
from app.metrics.batched import SeriesRead, read_many
from app.metrics.history import MAX_POINTS_CAP
from app.metrics.service import check_history_args, summaries_by_experiment
from app.models.base import utcnow
from app.rate_limits import RouteClass
from app.rest.endpoints import Call, Endpoint
from app.rest.metrics import _series_json
from app.rest.related import load_related
from app.rest.schemas import ExperimentOut, Out
from app.rest.serializers import experiment_json

MAX_SERIES_KEYS = 20


class CompareBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[str] = Field(
        description="1-100 experiment ids, each once; the answer keeps the order",
        json_schema_extra={"minItems": 1, "maxItems": 100},
    )
    baseline_id: str | None = Field(default=None, description="One of ids")
    metric_keys: list[str] | None = Field(
        default=None, description="Rows of `metrics`; default every key, sorted"
    )
    goals: dict[str, MetricGoal] = Field(
        default_factory=dict,
        description="MIN or MAX per key; default by the key's name (loss, error… → MIN)",
    )
    series_keys: list[str] = Field(
        default_factory=list,
        max_length=MAX_SERIES_KEYS,
        description="Keys whose history to include for every experiment",
    )
    max_points: int = Field(
        default=500,
        description="Points per series (downsampled)",
        json_schema_extra={"minimum": 1, "maximum": MAX_POINTS_CAP},
    )


Number = float | str | None  # NaN and infinities come as "NaN", "Infinity", "-Infinity"


class ParamRowOut(Out):
    key: str
    values: list[Any]
    differs: bool
    differs_from_baseline: list[bool] | None = Field(
        description="With a baseline: per experiment, whether its value differs from the "
        "baseline's (false for the baseline itself); null without one"
    )


class MetricCellOut(Out):
    experiment_id: str
    last: Number
    min: float | None
    max: float | None
    best: float | None
    delta_vs_baseline: float | None = Field(
        description="`last` minus the baseline's `last`; null without a baseline or when "
        "either is missing or not finite"
    )
    delta_percent: float | None = Field(
        description="The delta as a percentage of |baseline's `last`|; null when there is "
        "no delta or that `last` is 0"
    )


class MetricRowOut(Out):
    key: str
    goal: MetricGoal
    best_experiment_id: str | None
    cells: list[MetricCellOut]


class PointOut(Out):
    step: int
    value: float | str
    timestamp: datetime


class HistoryOut(Out):
    key: str
    points: list[PointOut]
    total_points: int
    downsampled: bool


class ComparedSeriesOut(Out):
    experiment_id: str
    series: HistoryOut


class SeriesOfKeyOut(Out):
    key: str
    experiments: list[ComparedSeriesOut]


class ComparisonOut(Out):
    experiments: list[ExperimentOut]
    baseline_id: str | None
    params: list[ParamRowOut]
    metrics: list[MetricRowOut]
    series: list[SeriesOfKeyOut]


def _metric_json(row: compare_metrics.MetricRow) -> dict[str, Any]:
    best = row.best_experiment_id
    return {
        "key": row.key,
        "goal": row.goal.value,
        "best_experiment_id": None if best is None else str(best),
        "cells": [
            {
                "experiment_id": str(cell.experiment_id),
                "last": None if cell.last is None else spelled(cell.last),
                "min": cell.min,
                "max": cell.max,
                "best": cell.best,
                "delta_vs_baseline": cell.delta_vs_baseline,
                "delta_percent": cell.delta_percent,
            }
            for cell in row.cells
        ],
    }


def _check_series(body: CompareBody) -> None:
    check_history_args(body.max_points, None, None)
    if len(set(body.series_keys)) != len(body.series_keys):
        raise ValidationFailed({"seriesKeys": "a key named more than once"})


async def compare_experiments(call: Call) -> Any:
    body = call.body_as(CompareBody)
    request = compare.compare_request(
        body.ids,
        baseline_id=body.baseline_id,
        metric_keys=body.metric_keys,
        goals=list(body.goals.items()),
    )
    _check_series(body)
    async with call.services.db.reader() as session:
        rows = await compare.compared_experiments(session, actor=call.actor, request=request)
        summaries = await summaries_by_experiment(session, request.ids, None, call.services.metrics)
        by_key = {(i, s.key): s for i, found in summaries.items() for s in found}
        reads = [
            SeriesRead(by_key.get((i, key)), key, body.max_points)
            for key in body.series_keys
            for i in request.ids
        ]
        histories = iter(await read_many(session, reads, call.services.metrics))
        related = await load_related(session, call.settings, call.actor, rows)
    metrics = compare_metrics.metric_rows(
        request.ids, summaries, request.metric_keys, request.goals, request.baseline_id
    )
    now = utcnow()
    return {
        "experiments": [experiment_json(row, now, related) for row in rows],
        "baseline_id": None if request.baseline_id is None else str(request.baseline_id),
        "params": [
            {
                "key": p.key,
                "values": p.values,
                "differs": p.differs,
                "differs_from_baseline": p.differs_from_baseline,
            }
            for p in param_rows(rows, request.baseline_index)
        ],
        "metrics": [_metric_json(row) for row in metrics],
        "series": [
            {
                "key": key,
                "experiments": [
                    {"experiment_id": str(i), "series": _series_json(next(histories))}
                    for i in request.ids
                ],
            }
            for key in body.series_keys
        ],
    }


ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "POST",
        "/experiments/compare",
        compare_experiments,
        "Compare experiments side by side: parameters, metric summaries, series",
        request_model=CompareBody,
        response_model=ComparisonOut,
        errors=(NotFound,),
        rate=RouteClass.READ,  # a POST for its body: it only reads
        description="At most 100 experiments, in the order given, each readable by the "
        "caller (NOT_FOUND otherwise). `params` flattens hyperparams and config to dotted "
        "keys (`hyperparams.optimizer.lr`, `config.data.path`); `metrics` gives each "
        "experiment's last, min, max and best per key, and with `baseline_id` each one's "
        "delta against the baseline's last; `series` the downsampled history "
        "of each of `series_keys`.",
    ),
]
