"""The comparison's root fields: ``compareExperiments``, ``metricGoal``."""

from __future__ import annotations

import strawberry

from app.compare.goals import MetricGoal, default_goal
from schema.compare.types import COMPARE_DESCRIPTION, compare_experiments
from schema.context import Info


@strawberry.type
class CompareQueries:
    compare_experiments = strawberry.field(
        resolver=compare_experiments, description=COMPARE_DESCRIPTION
    )

    @strawberry.field(
        description="The goal a metric key is taken to have when none is given: the rule "
        "of compareExperiments and of the console's leaderboard (MIN for loss- and "
        "error-like words, MAX otherwise)."
    )
    async def metric_goal(self, info: Info, key: str) -> MetricGoal:
        await info.context.actor()
        return default_goal(key)
