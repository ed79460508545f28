"""GraphQL types of ``experimentStats`` and ``leaderboard``, and their resolvers (attached
in ``schema/stats/fields.py``)."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from app.compare.goals import MetricGoal
from app.experiments.schemas import ExperimentFilterData
from app.models.base import utcnow
from app.stats import service as stats
from schema.compare.types import MetricGoalEnum
from schema.context import Info
from schema.experiments.inputs import ExperimentFilter
from schema.experiments.types import Experiment
from schema.inputs import to_model
from schema.scalars import BigInt

__all__ = ["MetricGoalEnum"]  # registered there; ``goal`` below takes it

STATS_DESCRIPTION = (
    "Counts and costs of the experiments the caller may read (matching the filter). "
    "byStatus maps every status to its count, byFailureReason every failure reason to the "
    "count of FAILED experiments with it; successRate is COMPLETED / finished (COMPLETED, "
    "FAILED or STOPPED), null before any finished; avgDurationSeconds is over finished "
    "runs that ran; costs include the live GPU cost of running experiments."
)
LEADERBOARD_DESCRIPTION = (
    "Experiments ranked by their best value of one metric (the minimum for MIN, the "
    "maximum for MAX; finite values only); equal values rank the earlier finish first. "
    "Experiments without the metric are not listed. first: 0-500."
)


@strawberry.type
class ExperimentStats:
    total: int
    by_status: JSON
    by_failure_reason: JSON
    success_rate: float | None
    avg_duration_seconds: float | None
    total_cost: float
    avg_cost: float | None

    @classmethod
    def from_view(cls, view: stats.ExperimentStats) -> ExperimentStats:
        return cls(
            total=view.total,
            by_status=JSON(view.by_status),
            by_failure_reason=JSON(view.by_failure_reason),
            success_rate=view.success_rate,
            avg_duration_seconds=view.avg_duration_seconds,
            total_cost=view.total_cost,
            avg_cost=view.avg_cost,
        )


@strawberry.type
class LeaderboardEntry:
    rank: int = strawberry.field(description="1 for the best")
    experiment: Experiment
    value: float = strawberry.field(description="The experiment's best value of the metric")
    step: BigInt | None = strawberry.field(description="The step that value was logged at")


def _filter(value: ExperimentFilter | None) -> ExperimentFilterData | None:
    return None if value is None else to_model(ExperimentFilterData, value, prefix="filter")


async def experiment_stats(info: Info, filter: ExperimentFilter | None = None) -> ExperimentStats:
    actor = await info.context.actor()
    data = _filter(filter)
    async with info.context.reader() as session:
        view = await stats.experiment_stats(session, actor=actor, filter=data, now=utcnow())
    return ExperimentStats.from_view(view)


async def leaderboard(
    info: Info,
    metric_key: str,
    goal: MetricGoal | None = MetricGoal.MAX,
    filter: ExperimentFilter | None = None,
    first: int | None = 20,
) -> list[LeaderboardEntry]:
    actor = await info.context.actor()
    data = _filter(filter)
    async with info.context.reader() as session:
        entries = await stats.leaderboard(
            session,
            actor=actor,
            metric_key=metric_key,
            goal=MetricGoal.MAX if goal is None else goal,
            filter=data,
            first=20 if first is None else first,
        )
    return [
        LeaderboardEntry(
            rank=entry.rank,
            experiment=Experiment.from_row(entry.experiment),
            value=entry.value,
            step=None if entry.step is None else BigInt(entry.step),
        )
        for entry in entries
    ]
