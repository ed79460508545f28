"""Turning outbox events into notifications, exactly once per (recipient, event).

The producer reads outbox rows not yet notified, writes the notifications (a unique
(user, event, kind) key drops any a concurrent replica already wrote) and marks the rows
in the same transaction: a crash before the commit leaves the rows to be claimed again, a
crash after it leaves nothing to do. New notifications are then pushed to each
recipient's live channel.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import Database
from app.events.live import LivePublisher
from app.events.names import EventType, user_channel
from app.events.outbox_consumer import OutboxConsumer
from app.hypotheses.service import observers_by_hypothesis
from app.models import Experiment, Hypothesis, OutboxEvent
from app.models.base import utcnow
from app.models.notification import Notification
from app.notifications.delivery.queue import enqueue
from app.notifications.kinds import KIND_FOR_EVENT, message_for

log = logging.getLogger("expsvc.notifications")


@dataclass(frozen=True)
class Produced:
    user_id: uuid.UUID
    notification: dict[str, Any]


async def recipients(session: AsyncSession, experiment_id: uuid.UUID) -> list[uuid.UUID]:
    """The hypothesis owner, its team lead, its observers and the experiment's owner, once."""
    row = (
        await session.execute(
            select(Experiment.owner_id, Hypothesis.id, Hypothesis.owner_id, Hypothesis.team_lead_id)
            .join(Hypothesis, Hypothesis.id == Experiment.hypothesis_id)
            .where(Experiment.id == experiment_id)
        )
    ).first()
    if row is None:
        return []
    owner, hypothesis_id, hypothesis_owner, lead = row
    observers = (await observers_by_hypothesis(session, [hypothesis_id]))[hypothesis_id]
    people = [hypothesis_owner, lead, *(user.id for user in observers), owner]
    return list(dict.fromkeys(person for person in people if person is not None))


def _insert(session: AsyncSession) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(Notification)
    return sqlite.insert(Notification)


async def _notify(session: AsyncSession, event: OutboxEvent) -> list[Produced]:
    """The event's notifications; one already made (another replica got there first) is
    skipped by the (user, event, kind) key, so nothing is ever produced twice. Their
    deliveries to other channels are queued in the same transaction."""
    kind = KIND_FOR_EVENT.get(event.event_type)
    if kind is None:
        return []
    message = message_for(kind, event.payload)
    now = utcnow()
    rows = [
        {
            "id": uuid.uuid4(),
            "user_id": user_id,
            "kind": kind,
            "message": message,
            "experiment_id": event.aggregate_id,
            "source_event_id": event.event_id,
            "created_at": now,
        }
        for user_id in await recipients(session, event.aggregate_id)
    ]
    if not rows:
        return []
    statement = (
        _insert(session)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["user_id", "source_event_id", "kind"])
        .returning(Notification.id, Notification.user_id)
    )
    made = [(ident, user_id) for ident, user_id in (await session.execute(statement)).all()]
    hidden = await enqueue(session, kind=kind, made=made, now=now)
    return [
        Produced(user_id, {"type": "notification", "id": str(ident)})
        for ident, user_id in made
        if ident not in hidden
    ]


class NotificationProducer(OutboxConsumer):
    name = "notifications"

    def __init__(
        self, db: Database, live: LivePublisher, *, batch_size: int = 100, idle: float = 0.5
    ) -> None:
        super().__init__(db, batch_size=batch_size, idle_seconds=idle)
        self.live = live

    async def run_once(self) -> int:
        """Handle one batch of un-notified events; return how many events."""
        async with self.db.unit_of_work() as session:
            query = (
                select(OutboxEvent)
                .where(OutboxEvent.notified_at.is_(None))
                .order_by(OutboxEvent.id)
                .limit(self.batch_size)
            )
            # no row locks: the relay locks these rows too, and skipping its rows would
            # leave events behind; the (user, event, kind) key makes a race harmless
            events: Sequence[OutboxEvent] = (await session.scalars(query)).all()
            produced: list[Produced] = []
            for event in events:
                produced += await _notify(session, event)
            if events:
                await session.execute(
                    update(OutboxEvent)
                    .where(OutboxEvent.id.in_([event.id for event in events]))
                    .values(notified_at=utcnow())
                )
        for item in produced:
            self.live.publish_nowait(user_channel(item.user_id), item.notification)
        return len(events)


__all__ = ["EventType", "NotificationProducer", "recipients"]
