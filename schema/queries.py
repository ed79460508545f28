"""The Query root."""

from __future__ import annotations

import strawberry

from app.compare.goals import MetricGoal, default_goal
from app.experiments import service as experiments
from app.experiments.presets import PRESETS
from app.experiments.schemas import ExperimentFilterData, ExperimentOrderData
from app.hypotheses import service as hypotheses
from app.models.enums import ExperimentStatus
from schema import resource_fields, token_fields, user_fields
from schema.compare_types import COMPARE_DESCRIPTION, compare_experiments
from schema.context import Info, parse_id
from schema.facet_fields import FACETS_DESCRIPTION, ExperimentFacets, experiment_facets
from schema.inputs import ExperimentFilter, ExperimentOrder, to_model
from schema.notification_types import (
    NOTIFICATION_PREFERENCES_DESCRIPTION,
    NotificationPreferences,
    notification_preferences,
)
from schema.resource_types import ResourcePool
from schema.stats_types import (
    LEADERBOARD_DESCRIPTION,
    STATS_DESCRIPTION,
    ExperimentStats,
    LeaderboardEntry,
    experiment_stats,
    leaderboard,
)
from schema.token_fields import ApiToken
from schema.types import (
    BoardColumn,
    Experiment,
    ExperimentConnection,
    Hypothesis,
    Notification,
    Preset,
    User,
)


def filter_data(value: ExperimentFilter | None) -> ExperimentFilterData | None:
    return None if value is None else to_model(ExperimentFilterData, value, prefix="filter")


@strawberry.type
class Query:
    resource_pools: list[ResourcePool] = strawberry.field(
        resolver=resource_fields.resource_pools,
        description="GPU pools with what is reserved and available.",
    )
    notifications: list[Notification] = strawberry.field(
        resolver=resource_fields.notification_list, description="The caller's, newest first."
    )
    unread_notification_count: int = strawberry.field(
        resolver=resource_fields.unread_notification_count,
        description=resource_fields.UNREAD_COUNT_DESCRIPTION,
    )
    notification_preferences: NotificationPreferences = strawberry.field(
        resolver=notification_preferences, description=NOTIFICATION_PREFERENCES_DESCRIPTION
    )
    api_tokens: list[ApiToken] = strawberry.field(
        resolver=token_fields.api_tokens_list, description=token_fields.API_TOKENS_DESCRIPTION
    )
    users: user_fields.UserConnection = strawberry.field(
        resolver=user_fields.users, description=user_fields.USERS_DESCRIPTION
    )
    experiment_facets: ExperimentFacets = strawberry.field(
        resolver=experiment_facets, description=FACETS_DESCRIPTION
    )

    @strawberry.field(description="The caller.")
    async def me(self, info: Info) -> User:
        return User(row=await info.context.actor())

    @strawberry.field
    async def hypothesis(self, info: Info, id: strawberry.ID) -> Hypothesis | None:
        actor = await info.context.actor()
        async with info.context.reader() as session:
            row = await hypotheses.get_visible_hypothesis(
                session, actor=actor, hypothesis_id=parse_id(id, "hypothesis")
            )
        return Hypothesis(row=row)

    @strawberry.field
    async def hypotheses(self, info: Info, first: int | None = 50) -> list[Hypothesis]:
        actor = await info.context.actor()
        async with info.context.reader() as session:
            rows = await hypotheses.list_hypotheses(
                session, actor=actor, first=50 if first is None else first
            )
        return [Hypothesis(row=row) for row in rows]

    @strawberry.field
    async def experiment(self, info: Info, id: strawberry.ID) -> Experiment | None:
        actor = await info.context.actor()
        async with info.context.reader() as session:
            row = await experiments.get_experiment(
                session, actor=actor, experiment_id=parse_id(id, "experiment")
            )
        return Experiment(row=row)

    @strawberry.field(description="Experiments the caller may read; keyset-paginated.")
    async def experiments(
        self,
        info: Info,
        filter: ExperimentFilter | None = None,
        order_by: ExperimentOrder | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> ExperimentConnection:
        actor = await info.context.actor()
        order = (
            None if order_by is None else to_model(ExperimentOrderData, order_by, prefix="orderBy")
        )
        async with info.context.reader() as session:
            page = await experiments.list_experiments(
                session,
                actor=actor,
                filter=filter_data(filter),
                order=order,
                first=50 if first is None else first,
                after=after,
            )
        return ExperimentConnection.from_page(page)

    @strawberry.field(description="Kanban columns, one per status, with counts.")
    async def experiment_board(
        self, info: Info, filter: ExperimentFilter | None = None
    ) -> list[BoardColumn]:
        actor = await info.context.actor()
        data = filter_data(filter)
        async with info.context.reader() as session:
            counts = await experiments.count_by_status(session, actor=actor, filter=data)
        wanted = set(data.status) if data is not None and data.status is not None else None
        return [
            BoardColumn(status=status, count=counts[status], filter=data)
            for status in ExperimentStatus
            if wanted is None or status in wanted
        ]

    compare_experiments = strawberry.field(
        resolver=compare_experiments, description=COMPARE_DESCRIPTION
    )
    experiment_stats: ExperimentStats = strawberry.field(
        resolver=experiment_stats, description=STATS_DESCRIPTION
    )
    leaderboard: list[LeaderboardEntry] = strawberry.field(
        resolver=leaderboard, description=LEADERBOARD_DESCRIPTION
    )

    @strawberry.field(
        description="The goal a metric key is taken to have when none is given: the rule "
        "of compareExperiments and of the console's leaderboard (MIN for loss- and "
        "error-like words, MAX otherwise)."
    )
    async def metric_goal(self, info: Info, key: str) -> MetricGoal:
        await info.context.actor()
        return default_goal(key)

    @strawberry.field(description="Hyperparameter schemas, defaults and resources by type.")
    def presets(self) -> list[Preset]:
        return [Preset(data=preset) for preset in PRESETS.values()]
