"""Feeds of experiment state: one experiment's changes, the Run Monitor, the live table."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import false, select

from app.access import experiment_visible
from app.errors import SubscriptionLagged
from app.events.broker import GAP, LAGGED
from app.events.names import EXPERIMENTS_CHANNEL, EventType
from app.experiments.queries import ROW, filter_clause
from app.experiments.schemas import ExperimentFilterData
from app.live.feed import LiveBacking, decode, experiment_channel_of, opened, readable_experiment
from app.live.logs import LogFeed, current_seq
from app.live.metrics import LivePoint, MetricFeed, PointsSink
from app.logs.service import LogLineRow
from app.models import Experiment, User

# "queue": a waiting experiment's position or estimated start moved (app/resources/scheduler.py)
STATE_EVENTS = frozenset({"event", "progress", "queue"})
# What changes an experiment's answer to experimentUpdated (the Run Monitor has no use
# for an API cost: it shows progress and status)
UPDATE_EVENTS = STATE_EVENTS | {"cost"}


async def experiment_updates(
    services: LiveBacking, *, actor: User, experiment_id: uuid.UUID, include_current: bool = False
) -> AsyncIterator[Experiment]:
    """The experiment as it is after each lifecycle move, update, progress report or API
    cost; with ``include_current``, first as it is once the channel is open, so a client
    that read it before subscribing misses no change made in between."""
    async with experiment_channel_of(services, actor, experiment_id) as subscription:
        if include_current:
            yield await readable_experiment(services, actor, experiment_id)
        async for message in subscription:
            if message == LAGGED:
                raise SubscriptionLagged("the subscriber fell behind; resubscribe")
            event = decode(message)
            if message == GAP or (event is not None and event.get("type") in UPDATE_EVENTS):
                yield await readable_experiment(services, actor, experiment_id)


@dataclass(frozen=True)
class Change:
    kind: str  # CREATED | UPDATED | LEFT
    experiment: Experiment


@dataclass(frozen=True)
class _Judged:
    experiment: Experiment
    matches: bool  # the experiment as it is now matches the filter
    matched: bool  # the experiment as it was before the event's change matched it


async def _judge(
    services: LiveBacking,
    actor: User,
    experiment_id: uuid.UUID,
    filter: ExperimentFilterData | None,
    previous: dict[str, Any] | None,
) -> _Judged | None:
    """The experiment if ``actor`` may read it, with the filter judged (in SQL, by the
    list's own rule) on it now and on it as it was before the change: the row's columns
    with the event's ``previous`` values in place of those the change replaced."""
    async with services.db.reader() as session:
        dialect = session.get_bind().dialect.name
        before = (
            false() if previous is None else filter_clause(filter, dialect, ROW.before(previous))
        )
        query = select(
            Experiment,
            filter_clause(filter, dialect).label("matches"),
            before.label("matched"),
        ).where(Experiment.id == experiment_id, experiment_visible(actor))
        found = (await session.execute(query)).one_or_none()
    if found is None:
        return None
    experiment, matches, matched = found
    return _Judged(experiment, bool(matches), bool(matched))


def _change(event: dict[str, Any], judged: _Judged) -> Change | None:
    if judged.matches:
        created = event.get("event_type") == EventType.EXPERIMENT_CREATED
        return Change("CREATED" if created else "UPDATED", judged.experiment)
    if judged.matched:
        return Change("LEFT", judged.experiment)
    return None


async def experiment_changes(
    services: LiveBacking, *, actor: User, filter: ExperimentFilterData | None = None
) -> AsyncIterator[Change]:
    """Experiments the caller may read: CREATED and UPDATED when, as they are now, the
    filter matches them; LEFT when it matched them before the change and no longer does
    (a status move out of the filtered statuses, an update of the model, tags, name or
    description). Judged per event from the event's ``previous`` values, so nothing is
    kept per row; a LEFT for a row the client does not show is for it to ignore. A
    progress report (at most one a second per experiment, ``publish_progress``) is an
    UPDATED of a matching experiment: progress changes none of the filtered values."""
    async with opened(services, EXPERIMENTS_CHANNEL) as subscription:
        async for message in subscription:
            if message == LAGGED:
                raise SubscriptionLagged("the subscriber fell behind; refetch and resubscribe")
            event = decode(message)
            if event is None or event.get("type") not in STATE_EVENTS:
                continue
            previous = event.get("previous")
            judged = await _judge(
                services,
                actor,
                uuid.UUID(event["aggregate_id" if event["type"] == "event" else "experiment_id"]),
                filter,
                previous if isinstance(previous, dict) else None,
            )
            change = None if judged is None else _change(event, judged)
            if change is not None:
                yield change


@dataclass(frozen=True)
class MonitorUpdate:
    """One Run Monitor event: exactly one of the fields is set."""

    progress: Experiment | None = None
    status: Experiment | None = None
    points: list[LivePoint] | None = None
    lines: list[LogLineRow] | None = None


async def run_monitor(
    services: LiveBacking,
    *,
    actor: User,
    experiment_id: uuid.UUID,
    in_place: PointsSink | None = None,
) -> AsyncIterator[MonitorUpdate]:
    """Status and progress now, then every progress report, metric batch, log batch and
    status change, each once and in order (the metric and log feeds' rules). Live metric
    batches are offered to ``in_place`` first, if given (``MetricFeed.take``)."""
    async with experiment_channel_of(services, actor, experiment_id) as subscription:
        metrics = MetricFeed(None, None)
        await metrics.start_live(services, experiment_id)
        metrics.take_in_place(subscription, in_place)
        logs = LogFeed(None, await current_seq(services, experiment_id))
        experiment = await readable_experiment(services, actor, experiment_id)
        yield MonitorUpdate(status=experiment)
        yield MonitorUpdate(progress=experiment)
        async for message in subscription:
            if message == LAGGED:
                raise SubscriptionLagged(
                    "the subscriber fell behind; resubscribe",
                    details={"lastSeq": logs.cursor, "lastSteps": dict(metrics.delivered)},
                )
            if message == GAP:
                async for update in _recover(services, actor, experiment_id, metrics, logs):
                    yield update
                continue
            event = decode(message)
            if event is None:
                continue
            if event.get("type") == "metrics":  # the hot path: no generator per batch
                points = metrics.live(event)
                if points:
                    yield MonitorUpdate(points=points)
                continue
            async for update in _updates(services, actor, experiment_id, event, metrics, logs):
                yield update


async def _updates(
    services: LiveBacking,
    actor: User,
    experiment_id: uuid.UUID,
    event: dict[str, Any],
    metrics: MetricFeed,
    logs: LogFeed,
) -> AsyncIterator[MonitorUpdate]:
    kind = event.get("type")
    if kind == "metrics":
        points = metrics.live(event)
        if points:
            yield MonitorUpdate(points=points)
    elif kind == "logs":
        missed_before, lines = logs.live(event)
        if missed_before is not None:
            async for missed in logs.catch_up(services, experiment_id):
                yield MonitorUpdate(lines=missed)
        elif lines:
            yield MonitorUpdate(lines=lines)
    elif kind in STATE_EVENTS:
        experiment = await readable_experiment(services, actor, experiment_id)
        if kind == "progress":
            yield MonitorUpdate(progress=experiment)
        else:
            yield MonitorUpdate(status=experiment)


async def _recover(
    services: LiveBacking,
    actor: User,
    experiment_id: uuid.UUID,
    metrics: MetricFeed,
    logs: LogFeed,
) -> AsyncIterator[MonitorUpdate]:
    """After a broker gap: what was stored meanwhile, then the state as it is now."""
    async for chunk in metrics.replay(services, experiment_id):
        yield MonitorUpdate(points=chunk)
    async for lines in logs.catch_up(services, experiment_id):
        yield MonitorUpdate(lines=lines)
    experiment = await readable_experiment(services, actor, experiment_id)
    yield MonitorUpdate(status=experiment)
    yield MonitorUpdate(progress=experiment)
