"""Service metrics over the experiments a caller may read, computed by the database.

``experiment_stats`` is three aggregate statements (totals, ``GROUP BY status``, ``GROUP BY
failure_reason``); ``leaderboard`` is one statement ranking experiments with a window
function. Both take the same filter as the experiment list, inside the visibility rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Float, and_, case, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import experiment_visible
from app.compare.goals import MetricGoal
from app.errors import ValidationFailed
from app.experiments.queries import MAX_METRIC_KEY, cost_expression, filter_clause
from app.experiments.schemas import ExperimentFilterData
from app.metrics.rules import LEVELS
from app.models import Experiment, MetricSeries, User, metric_rollups
from app.models.enums import TERMINAL_STATUSES, ExperimentStatus, FailureReason
from app.validation import text_problem

MAX_LEADERBOARD = 500
# The rollup level whose buckets tell the step of a series' best value: the coarsest, so
# a long series holds only a bucket or two there
BEST_STEP_LEVEL = LEVELS[-1]


@dataclass(frozen=True)
class ExperimentStats:
    total: int
    by_status: dict[str, int]
    by_failure_reason: dict[str, int]
    success_rate: float | None  # completed / finished; None before anything finished
    avg_duration_seconds: float | None  # of finished runs that ran
    total_cost: float
    avg_cost: float | None


@dataclass(frozen=True)
class LeaderboardEntry:
    rank: int
    experiment: Experiment
    value: float
    step: int | None


def _scope(
    session: AsyncSession, actor: User, filter: ExperimentFilterData | None
) -> tuple[ColumnElement[bool], str]:
    dialect = session.get_bind().dialect.name
    return and_(experiment_visible(actor), filter_clause(filter, dialect)), dialect


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 6)


async def experiment_stats(
    session: AsyncSession,
    *,
    actor: User,
    filter: ExperimentFilterData | None = None,
    now: datetime,
) -> ExperimentStats:
    """Counts, success rate, mean duration and costs (live GPU costs at ``now``)."""
    scope, dialect = _scope(session, actor, filter)
    finished = Experiment.status.in_(TERMINAL_STATUSES)
    completed = func.sum(case((Experiment.status == ExperimentStatus.COMPLETED, 1), else_=0))
    finished_count = func.sum(case((finished, 1), else_=0))
    cost = cost_expression(dialect, now)
    totals = (
        await session.execute(
            select(
                func.count(),
                cast(completed, Float) / func.nullif(finished_count, 0),
                func.avg(case((finished, Experiment.duration_seconds))),
                func.coalesce(func.sum(cost), 0.0),
                func.avg(cost),
            ).where(scope)
        )
    ).one()
    total, success_rate, avg_duration, total_cost, avg_cost = totals
    by_status = {status.value: 0 for status in ExperimentStatus}
    status_counts = select(Experiment.status, func.count()).where(scope)
    for status, count in await session.execute(status_counts.group_by(Experiment.status)):
        by_status[status.value] = int(count)
    by_reason = {reason.value: 0 for reason in FailureReason}
    reason_counts = select(Experiment.failure_reason, func.count()).where(
        scope,
        Experiment.status == ExperimentStatus.FAILED,
        Experiment.failure_reason.is_not(None),
    )
    for reason, count in await session.execute(reason_counts.group_by(Experiment.failure_reason)):
        if reason is not None:
            by_reason[reason.value] = int(count)
    return ExperimentStats(
        total=int(total),
        by_status=by_status,
        by_failure_reason=by_reason,
        success_rate=None if success_rate is None else float(success_rate),
        avg_duration_seconds=_rounded(avg_duration),
        total_cost=_rounded(total_cost) or 0.0,
        avg_cost=_rounded(avg_cost),
    )


def _check_leaderboard_args(metric_key: str, first: int) -> str:
    errors: dict[str, str] = {}
    key = metric_key.strip()
    if not 1 <= len(key) <= MAX_METRIC_KEY:
        errors["metricKey"] = f"must be 1-{MAX_METRIC_KEY} characters"
    elif problem := text_problem(key):
        errors["metricKey"] = problem
    if not 0 <= first <= MAX_LEADERBOARD:
        errors["first"] = f"must be 0-{MAX_LEADERBOARD}"
    if errors:
        raise ValidationFailed(errors)
    return key


async def leaderboard(
    session: AsyncSession,
    *,
    actor: User,
    metric_key: str,
    goal: MetricGoal = MetricGoal.MAX,
    filter: ExperimentFilterData | None = None,
    first: int = 20,
) -> list[LeaderboardEntry]:
    """Experiments ranked by their best value of ``metric_key`` (the minimum for MIN, the
    maximum for MAX, from the summaries: finite values only); equal values rank the
    earlier finish first (unfinished runs after), then by id. Experiments without a
    finite value of the key are not ranked. ``step`` is where the best value was logged."""
    key = _check_leaderboard_args(metric_key, first)
    scope, _ = _scope(session, actor, filter)
    minimise = goal is MetricGoal.MIN
    best = MetricSeries.min_value if minimise else MetricSeries.max_value
    bucket = metric_rollups.alias("best_bucket")
    bucket_best = bucket.c.min_value if minimise else bucket.c.max_value
    bucket_step = bucket.c.min_step if minimise else bucket.c.max_step
    step = (
        select(bucket_step)
        .where(
            bucket.c.series_id == MetricSeries.id,
            bucket.c.level == BEST_STEP_LEVEL,
            bucket_best.is_not(None),
        )
        .order_by(bucket_best.asc() if minimise else bucket_best.desc(), bucket_step.asc())
        .limit(1)
        .scalar_subquery()
    )
    rank = func.row_number().over(
        order_by=(
            best.asc() if minimise else best.desc(),
            Experiment.finished_at.asc().nulls_last(),
            Experiment.id.asc(),
        )
    )
    ranked = rank.label("rank")
    query = (
        select(Experiment, best.label("value"), step.label("step"), ranked)
        .join(
            MetricSeries,
            and_(MetricSeries.experiment_id == Experiment.id, MetricSeries.key == key),
        )
        .where(scope, best.is_not(None))
        .order_by(ranked)
        .limit(first)
    )
    rows = (await session.execute(query)).all()
    return [
        LeaderboardEntry(
            rank=int(position),
            experiment=experiment,
            value=float(value),
            step=None if at is None else int(at),
        )
        for experiment, value, at, position in rows
    ]
