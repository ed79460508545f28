"""The metric feed: points past ``since_step`` from the database, then live batches.

The replay runs in one snapshot that also reads the experiment's ``metric_seq`` (the
count of accepted batches); a live batch numbered at or below it was in the replay and is
dropped, any later one is new. After a broker gap the feed replays again, per key, past
the last step it delivered.

A consumer may hand the feed a ``PointsSink``: then a live batch arriving while the feed
waits at an empty queue is taken in place (``MetricFeed.take``, called from the broker's
fan-out, ``app/events/broker.py``) — the sink sends the batch's shared points itself and
the feed notes them as delivered, exactly as if it had yielded them; whatever the sink
declines is queued and yielded as usual.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.errors import SubscriptionLagged
from app.events.broker import GAP, LAGGED, Message, Subscription
from app.floats import SPELLED
from app.live.feed import LiveBacking, SharedMemo, decode, experiment_channel_of, snapshot
from app.metrics.batch import datetimes_of
from app.metrics.history import next_page
from app.models import Experiment, MetricSeries, User

CHUNK = 1000


@dataclass(frozen=True, slots=True)
class LivePoint:
    key: str
    step: int
    value: float
    timestamp: datetime


class MetricFeed:
    def __init__(self, keys: Sequence[str] | None, since_step: int | None) -> None:
        self.keys = None if keys is None else set(keys)
        self.since_step = since_step
        self.delivered: dict[str, int] = {}  # key → the highest step delivered (or seen)
        self.snapshot_seq = 0

    def floor(self, key: str) -> int | None:
        return self.delivered.get(key, self.since_step)

    async def start_live(self, services: LiveBacking, experiment_id: uuid.UUID) -> None:
        """Without ``since_step``: no replay; what is stored now counts as seen, so a
        later replay (after a broker gap) starts from here."""
        async with snapshot(services) as session:
            seq = await session.scalar(
                select(Experiment.metric_seq).where(Experiment.id == experiment_id)
            )
            self.snapshot_seq = int(seq or 0)
            rows = await session.execute(
                select(MetricSeries.key, MetricSeries.last_step).where(
                    MetricSeries.experiment_id == experiment_id
                )
            )
            for key, last_step in rows:
                if last_step is not None:
                    self.delivered[key] = int(last_step)

    def note(self, points: Sequence[LivePoint]) -> None:
        """Remember the highest step per key. A shared batch knows its own maxima (one
        dict for every subscriber), so this costs per key, not per point."""
        if isinstance(points, SharedPoints):
            self._note_steps(points.last_steps)
            return
        for point in points:
            if point.step > self.delivered.get(point.key, -1):
                self.delivered[point.key] = point.step

    def _note_steps(self, last_steps: dict[str, int]) -> None:
        for key, step in last_steps.items():
            if step > self.delivered.get(key, -1):
                self.delivered[key] = step

    def lagged(self) -> SubscriptionLagged:
        return SubscriptionLagged(
            "the subscriber fell behind; resubscribe with sinceStep to resume",
            details={"lastSteps": dict(self.delivered)},
        )

    async def replay(
        self, services: LiveBacking, experiment_id: uuid.UUID
    ) -> AsyncIterator[list[LivePoint]]:
        async with snapshot(services) as session:
            seq = await session.scalar(
                select(Experiment.metric_seq).where(Experiment.id == experiment_id)
            )
            self.snapshot_seq = int(seq or 0)
            query = select(MetricSeries.id, MetricSeries.key).where(
                MetricSeries.experiment_id == experiment_id
            )
            if self.keys is not None:
                query = query.where(MetricSeries.key.in_(self.keys))
            for series_id, key in (await session.execute(query.order_by(MetricSeries.key))).all():
                floor = self.floor(key)
                after = (0 if floor is None else floor + 1, 0)
                while True:
                    page = await services.metrics.points_page(
                        session, series_id, from_step=after[0], skip=after[1], limit=CHUNK
                    )
                    if page:
                        chunk = [LivePoint(key, p.step, p.value, p.timestamp) for p in page]
                        self.note(chunk)
                        yield chunk
                    if len(page) < CHUNK:
                        break
                    after = next_page(after, page)

    def is_new(self, event: dict[str, Any]) -> bool:
        """A metric batch the replay did not hold."""
        return event.get("type") == "metrics" and event.get("seq", 0) > self.snapshot_seq

    def live(self, event: dict[str, Any]) -> list[LivePoint]:
        """The batch's points this subscriber wants. Without a key filter the list is the
        event's own (built once, shared by every subscriber of the message)."""
        if not self.is_new(event):
            return []
        every = _points_of(event)
        if self.keys is None:
            self._note_steps(every.last_steps)
            return every
        points = [p for p in every if p.key in self.keys]
        self._note_steps({k: s for k, s in every.last_steps.items() if k in self.keys})
        return points

    def take(self, message: Message, sink: PointsSink, largest: int | None = None) -> bool:
        """Handle a broker message in place if it is a live batch this feed would yield
        whole (no key filter, at most ``largest`` points) and the sink sends it: True if
        handled (sent, or nothing for this subscriber), False to queue it."""
        if self.keys is not None:
            return False  # a filtered list is this subscriber's own
        event = decode(message)
        if event is None or event.get("type") != "metrics":
            return False
        if not self.is_new(event):
            return True  # the replay held it: dropped, as ``live`` would
        points = _points_of(event)
        if not points:
            return True
        if (largest is not None and len(points) > largest) or not sink(points):
            return False
        self._note_steps(points.last_steps)
        return True

    def take_in_place(
        self, subscription: Subscription, sink: PointsSink | None, largest: int | None = None
    ) -> None:
        """Offer the subscription's live batches to the sink (if any) while this feed waits."""
        if sink is not None and self.keys is None:
            subscription.in_place = lambda message: self.take(message, sink, largest)


class SharedPoints(list[LivePoint]):
    """A live batch's points as every subscriber of it receives them (one object), with
    the highest step of each key in it (``last_steps``), computed once."""

    last_steps: dict[str, int]

    def __init__(self, points: Iterable[LivePoint] = ()) -> None:
        super().__init__(points)
        last: dict[str, int] = {}
        for point in self:
            if point.step > last.get(point.key, -1):
                last[point.key] = point.step
        self.last_steps = last


# Sends a live batch's shared points now (True), or declines (False: it is queued).
PointsSink = Callable[["SharedPoints"], bool]

_points = SharedMemo()


def _points_of(event: dict[str, Any]) -> SharedPoints:
    def build() -> SharedPoints:
        millis = event.get("epoch_ms")
        stamps = (
            datetimes_of(millis)
            if millis is not None
            else [datetime.fromisoformat(stamp) for stamp in event["timestamps"]]
        )
        return SharedPoints(
            LivePoint(
                key,
                step,
                SPELLED[value] if isinstance(value, str) else float(value),
                stamp,
            )
            for key, step, value, stamp in zip(
                event["keys"], event["steps"], event["values"], stamps, strict=True
            )
        )

    points: SharedPoints = _points.get(event, build)
    return points


async def metric_feed(
    services: LiveBacking,
    *,
    actor: User,
    experiment_id: uuid.UUID,
    keys: Sequence[str] | None = None,
    since_step: int | None = None,
    in_place: PointsSink | None = None,
) -> AsyncIterator[list[LivePoint]]:
    """Chunks of points: the stored ones past ``since_step``, then every new one (live
    batches of up to ``CHUNK`` points offered to ``in_place`` first, if given)."""
    feed = MetricFeed(keys, since_step)
    async with experiment_channel_of(services, actor, experiment_id) as subscription:
        feed.take_in_place(subscription, in_place, CHUNK)
        if since_step is None:
            await feed.start_live(services, experiment_id)
        else:
            async for chunk in feed.replay(services, experiment_id):
                yield chunk
        async for message in subscription:
            if message == LAGGED:
                raise feed.lagged()
            if message == GAP:
                async for chunk in feed.replay(services, experiment_id):
                    yield chunk
                continue
            event = decode(message)
            points = feed.live(event) if event else []
            if 0 < len(points) <= CHUNK:
                yield points  # as is: shared with the other subscribers of this batch
                continue
            for start in range(0, len(points), CHUNK):
                yield points[start : start + CHUNK]
