"""The statistics' root fields: ``experimentStats``, ``leaderboard``."""

from __future__ import annotations

import strawberry

from schema.stats.types import (
    LEADERBOARD_DESCRIPTION,
    STATS_DESCRIPTION,
    ExperimentStats,
    LeaderboardEntry,
    experiment_stats,
    leaderboard,
)


@strawberry.type
class StatsQueries:
    experiment_stats: ExperimentStats = strawberry.field(
        resolver=experiment_stats, description=STATS_DESCRIPTION
    )

    leaderboard: list[LeaderboardEntry] = strawberry.field(
        resolver=leaderboard, description=LEADERBOARD_DESCRIPTION
    )
