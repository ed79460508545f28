"""The Subscription root: live updates over websockets (graphql-transport-ws, graphql-ws).

Each subscription authorises once (``NOT_FOUND`` for an experiment the caller may not
read), then streams from ``app.live``: replay from the database where a position is
given, then live events, each once. A shared live event whose result for this
subscription's shape is known goes straight to the socket (``schema/engine/live_delivery.py``).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated

import strawberry

from app.experiments.schemas import ExperimentFilterData
from app.floats import finite_or_none
from app.live.experiments import experiment_changes, experiment_updates, run_monitor
from app.live.logs import SharedLines, log_feed
from app.live.metrics import LivePoint, SharedPoints, metric_feed
from app.logs.service import LogLineRow
from app.models.enums import ExperimentStatus, LogLevel
from schema.context import Info, parse_id
from schema.engine import direct_delivery, shared
from schema.inputs import ExperimentFilter, to_model
from schema.log_fields import LogLine
from schema.resource_fields import notification_stream
from schema.scalars import BigInt
from schema.types import Experiment, Failure, Notification, Progress, failure_of, progress_of


@strawberry.type
class MetricEventPoint:
    key: str
    step: BigInt
    value: float | None = strawberry.field(description="null for NaN and infinities")
    timestamp: datetime


@strawberry.type
class MetricsEvent:
    experiment_id: strawberry.ID
    points: list[MetricEventPoint]


@strawberry.type
class LogsEvent:
    experiment_id: strawberry.ID
    lines: list[LogLine]


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


def _point(point: LivePoint) -> MetricEventPoint:
    return MetricEventPoint(
        key=point.key,
        step=BigInt(point.step),
        value=finite_or_none(point.value),
        timestamp=point.timestamp,
    )


def _metrics_event(ident: strawberry.ID, points: list[LivePoint]) -> MetricsEvent:
    """Built (and executed) once per live batch its subscribers share
    (``schema/engine/shared_events.py``); a replay chunk is the caller's own."""

    def make() -> MetricsEvent:
        return MetricsEvent(experiment_id=ident, points=[_point(p) for p in points])

    return shared(points, make) if isinstance(points, SharedPoints) else make()


def _logs_event(ident: strawberry.ID, lines: list[LogLineRow]) -> LogsEvent:
    def make() -> LogsEvent:
        return LogsEvent(experiment_id=ident, lines=[LogLine.from_row(r) for r in lines])

    return shared(lines, make) if isinstance(lines, SharedLines) else make()


@strawberry.type
class Subscription:
    @strawberry.subscription(description="The caller's new notifications, live.")
    async def notifications(self, info: Info) -> AsyncGenerator[Notification, None]:
        async for notification in notification_stream(info):
            yield notification

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
            yield Experiment(row=row)

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
            yield ExperimentChange(kind=change.kind, experiment=Experiment(row=change.experiment))

    @strawberry.subscription(
        description="Metric points: those stored past sinceStep first (if given), then live."
    )
    async def metric_points(
        self,
        info: Info,
        experiment_id: strawberry.ID,
        keys: list[str] | None = None,
        since_step: BigInt | None = None,
    ) -> AsyncGenerator[MetricsEvent, None]:
        actor = await info.context.actor()
        experiment = parse_id(experiment_id, "experiment")
        ident = strawberry.ID(str(experiment))
        direct = direct_delivery(info)
        feed = metric_feed(
            info.context.services,
            actor=actor,
            experiment_id=experiment,
            keys=keys,
            since_step=None if since_step is None else int(since_step),
            in_place=direct.sink(lambda points: _metrics_event(ident, points)),
        )
        async for chunk in feed:
            event = _metrics_event(ident, chunk)
            if not await direct.send(event):
                yield event

    @strawberry.subscription(
        description="Log lines: those stored past `after` first (if given), then live."
    )
    async def log_lines(
        self,
        info: Info,
        experiment_id: strawberry.ID,
        levels: list[LogLevel] | None = None,
        after: int | None = None,
    ) -> AsyncGenerator[LogsEvent, None]:
        actor = await info.context.actor()
        experiment = parse_id(experiment_id, "experiment")
        feed = log_feed(
            info.context.services,
            actor=actor,
            experiment_id=experiment,
            levels=levels,
            after=after,
        )
        ident = strawberry.ID(str(experiment))
        direct = direct_delivery(info)
        async for lines in feed:
            logs_event = _logs_event(ident, lines)
            if not await direct.send(logs_event):
                yield logs_event

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
            in_place=direct.sink(lambda points: _metrics_event(ident, points)),
        ):
            if update.points is not None or update.lines is not None:
                event = (
                    _metrics_event(ident, update.points)
                    if update.points is not None
                    else _logs_event(ident, update.lines or [])
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
