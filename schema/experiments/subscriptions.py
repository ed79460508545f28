"""The experiments' subscriptions: an experiment's changes, the list's, the Run Monitor.

Each authorises once (``NOT_FOUND`` for an experiment the caller may not read), then
streams from ``app.live``: replay from the database where a position is given, then live
events, each once. A shared live event whose result for this subscription's shape is known
goes straight to the socket (``schema/engine/live_delivery.py``).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from app.experiments.schemas import ExperimentFilterData
from app.live.experiments import experiment_changes, experiment_updates, run_monitor
from app.models.enums import ExperimentStatus
from schema.context import Info, parse_id
from schema.engine import direct_delivery
from schema.experiments.inputs import ExperimentFilter
from schema.experiments.types import Experiment, Failure, Progress, failure_of, progress_of
from schema.inputs import to_model
from schema.logs.events import LogsEvent, logs_event
from schema.metrics.events import MetricsEvent, metrics_event


@strawberry.type
class ProgressEvent:
    experiment_id: strawberry.ID
    progress: Progress


@strawberry.type
class StatusEvent:
    experiment_id: strawberry.ID
    status: ExperimentStatus
    failure: Failure | None


RunMonitorEvent = Annotated[
    ProgressEvent | MetricsEvent | LogsEvent | StatusEvent, strawberry.union("RunMonitorEvent")
]


@strawberry.type
class ExperimentChange:
    kind: str = strawberry.field(
        description="CREATED or UPDATED: the experiment, as it is now, matches the filter "
        "(add or replace the row). LEFT: it matched the filter before this change and no "
        "longer does, e.g. its status moved out of the filtered ones (remove the row; "
        "ignore a LEFT for a row not shown)."
    )
    experiment: Experiment


@strawberry.type
class ExperimentSubscriptions:
    @strawberry.subscription(
        description="The experiment after each change of its state; with includeCurrent, "
        "first as it is once the subscription is open (a client that read it before "
        "subscribing then misses no change made in between)."
    )
    async def experiment_updated(
        self, info: Info, id: strawberry.ID, include_current: bool = False
    ) -> AsyncGenerator[Experiment, None]:
        actor = await info.context.actor()
        feed = experiment_updates(
            info.context.services,
            actor=actor,
            experiment_id=parse_id(id, "experiment"),
            include_current=include_current,
        )
        async for row in feed:
            yield Experiment.from_row(row)

    @strawberry.subscription(
        description="Created and changed experiments (live table, Kanban) the caller may "
        "read: CREATED / UPDATED when one matches the filter, LEFT when one stops matching. "
        "A progress report is an UPDATED too (at most one a second per experiment, the latest)."
    )
    async def experiments_changed(
        self, info: Info, filter: ExperimentFilter | None = None
    ) -> AsyncGenerator[ExperimentChange, None]:
        actor = await info.context.actor()
        data = None if filter is None else to_model(ExperimentFilterData, filter, prefix="filter")
        async for change in experiment_changes(info.context.services, actor=actor, filter=data):
            yield ExperimentChange(
                kind=change.kind, experiment=Experiment.from_row(change.experiment)
            )

    @strawberry.subscription(
        description="The Run Monitor: status and progress now, then progress, metrics, logs "
        "and status as they happen."
    )
    async def run_monitor(
        self, info: Info, experiment_id: strawberry.ID
    ) -> AsyncGenerator[RunMonitorEvent, None]:
        actor = await info.context.actor()
        experiment = parse_id(experiment_id, "experiment")
        ident = strawberry.ID(str(experiment))
        direct = direct_delivery(info)
        async for update in run_monitor(
            info.context.services,
            actor=actor,
            experiment_id=experiment,
            in_place=direct.sink(lambda points: metrics_event(ident, points)),
        ):
            if update.points is not None or update.lines is not None:
                event = (
                    metrics_event(ident, update.points)
                    if update.points is not None
                    else logs_event(ident, update.lines or [])
                )
                if not await direct.send(event):
                    yield event
            elif update.progress is not None:
                yield ProgressEvent(experiment_id=ident, progress=progress_of(update.progress))
            elif update.status is not None:
                yield StatusEvent(
                    experiment_id=ident,
                    status=update.status.status,
                    failure=failure_of(update.status),
                )
