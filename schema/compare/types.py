"""GraphQL types of ``compareExperiments``, and its resolver.

Everything a comparison shows goes through the request's loaders, so comparing 5 or 100
experiments costs the same number of statements: the experiments (one statement, through
the visibility clause), their summaries (the ``metricSummaries`` loader) and each
``series(key)`` (the series loader: one batched read for all experiments and keys).
"""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from app.compare import metrics as compare_metrics
from app.compare import params as compare_params
from app.compare import service as compare
from app.compare.goals import MetricGoal
from app.floats import finite_or_none
from app.metrics.history import Series
from app.metrics.service import check_history_args
from app.models import Experiment as ExperimentRow
from schema.context import Info
from schema.dataloaders import SeriesKey
from schema.experiments.types import Experiment
from schema.metrics.types import MetricSeries

MetricGoalEnum = strawberry.enum(MetricGoal, name="MetricGoal")

GOAL_RULE = (
    "Without a goal a key is MIN when one of its words (split at non-alphanumerics and "
    "camelCase) is loss, error, err, mse, mae, rmse, mape, nll, perplexity, ppl, wer, "
    "cer, fid or latency, or ends in loss or error; MAX otherwise."
)


@strawberry.input(description="Which way is better for one metric key.")
class MetricGoalInput:
    key: str
    goal: MetricGoal


@strawberry.type(description="One flattened parameter across the compared experiments.")
class ParamRow:
    key: str = strawberry.field(
        description="`hyperparams.<path>` or `config.<path>`, object keys joined with dots"
    )
    values: list[JSON | None] = strawberry.field(
        description="In the order of the experiments; null where one lacks the key."
    )
    differs: bool
    differs_from_baseline: list[bool] | None = strawberry.field(
        description="With a baseline: per experiment, in their order, whether its value "
        "differs from the baseline's (by the rule of `differs`; false for the baseline "
        "itself). Null without a baseline."
    )


@strawberry.type
class MetricCell:
    experiment_id: strawberry.ID
    last: float | None
    min: float | None
    max: float | None
    best: float | None = strawberry.field(description="min for a MIN key, max for a MAX key")
    delta_vs_baseline: float | None = strawberry.field(
        description="`last` minus the baseline's `last`; null without a baseline, or when "
        "either is missing or not finite. 0 for the baseline itself."
    )
    delta_percent: float | None = strawberry.field(
        description="`deltaVsBaseline` as a percentage of the magnitude of the baseline's "
        "`last` (100 * delta / |baseline|: positive means higher); null when there is no "
        "delta or the baseline's `last` is 0."
    )

    @classmethod
    def from_cell(cls, cell: compare_metrics.MetricCell) -> MetricCell:
        return cls(
            experiment_id=strawberry.ID(str(cell.experiment_id)),
            last=None if cell.last is None else finite_or_none(cell.last),
            min=cell.min,
            max=cell.max,
            best=cell.best,
            delta_vs_baseline=cell.delta_vs_baseline,
            delta_percent=cell.delta_percent,
        )


@strawberry.type
class MetricRow:
    key: str
    goal: MetricGoal = strawberry.field(description="The goal `best` was taken by.")
    best_experiment_id: strawberry.ID | None = strawberry.field(
        description="The experiment with the best `best` (the first of equals)."
    )
    cells: list[MetricCell]

    @classmethod
    def from_row(cls, row: compare_metrics.MetricRow) -> MetricRow:
        best = row.best_experiment_id
        return cls(
            key=row.key,
            goal=row.goal,
            best_experiment_id=None if best is None else strawberry.ID(str(best)),
            cells=[MetricCell.from_cell(cell) for cell in row.cells],
        )


@strawberry.type
class ComparedSeries:
    experiment_id: strawberry.ID
    data: strawberry.Private[Series]

    @strawberry.field
    def series(self) -> MetricSeries:
        """``MetricSeries.from_series``: the points as columns, made once per kept answer
        (a comparison returns tens of thousands of points)."""
        return MetricSeries.from_series(self.data)


@strawberry.type
class Comparison:
    request: strawberry.Private[compare.CompareRequest]
    rows: strawberry.Private[list[ExperimentRow]]

    @strawberry.field(description="In the order asked.")
    def experiments(self) -> list[Experiment]:
        return [Experiment.from_row(row) for row in self.rows]

    @strawberry.field
    def baseline_id(self) -> strawberry.ID | None:
        baseline = self.request.baseline_id
        return None if baseline is None else strawberry.ID(str(baseline))

    @strawberry.field(description="hyperparams and config, flattened with dotted keys, sorted.")
    def params(self) -> list[ParamRow]:
        return [
            ParamRow(
                key=row.key,
                values=[JSON(v) for v in row.values],
                differs=row.differs,
                differs_from_baseline=row.differs_from_baseline,
            )
            for row in compare_params.param_rows(self.rows, self.request.baseline_index)
        ]

    @strawberry.field(
        description="One row per metric key: metricKeys as given, or every key of the "
        f"compared experiments, sorted. {GOAL_RULE}"
    )
    async def metrics(self, info: Info) -> list[MetricRow]:
        ids = self.request.ids
        found = await info.context.loaders.summaries.load_many(ids)
        summaries = {i: rows or [] for i, rows in zip(ids, found, strict=True)}
        rows = compare_metrics.metric_rows(
            ids, summaries, self.request.metric_keys, self.request.goals, self.request.baseline_id
        )
        return [MetricRow.from_row(row) for row in rows]

    @strawberry.field(description="Each experiment's history of `key`, as `Experiment.metric`.")
    async def series(
        self, info: Info, key: str, max_points: int | None = 500
    ) -> list[ComparedSeries]:
        size = 500 if max_points is None else max_points
        check_history_args(size, None, None)
        keys = [SeriesKey(i, key, size) for i in self.request.ids]
        found = await info.context.loaders.series.load_many(keys)
        return [
            ComparedSeries(experiment_id=strawberry.ID(str(i)), data=series)
            for i, series in zip(self.request.ids, found, strict=True)
        ]


async def compare_experiments(
    info: Info,
    ids: list[strawberry.ID],
    baseline_id: strawberry.ID | None = None,
    metric_keys: list[str] | None = None,
    goals: list[MetricGoalInput] | None = None,
) -> Comparison:
    """Experiments side by side (at most 100, each readable by the caller)."""
    actor = await info.context.actor()
    request = compare.compare_request(
        [str(i) for i in ids],
        baseline_id=None if baseline_id is None else str(baseline_id),
        metric_keys=metric_keys,
        goals=[(goal.key, goal.goal) for goal in goals or []],
    )
    async with info.context.reader() as session:
        rows = await compare.compared_experiments(session, actor=actor, request=request)
    return Comparison(request=request, rows=rows)


COMPARE_DESCRIPTION = (
    "Experiments side by side, in the order asked: at most 100 ids, none twice, each "
    "readable by the caller (NOT_FOUND otherwise); baselineId must be one of them. "
    "`goals` names MIN or MAX per metric key."
)
