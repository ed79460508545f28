"""The outbox relay: publishes committed domain events to the broker, at least once.

Every replica runs one. On PostgreSQL a batch is claimed with ``FOR UPDATE SKIP LOCKED``,
so relays share the work instead of repeating it; the rows are marked published in the
same transaction, after the broker took them. A crash between publish and commit
publishes again (events carry ``event_id`` for consumers to drop duplicates); a broker
that is down leaves the rows unpublished until it is back.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

import orjson
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import Database
from app.events.broker import Broker
from app.events.names import EXPERIMENTS_CHANNEL, LIFECYCLE_EVENTS, experiment_channel
from app.events.outbox_consumer import OutboxConsumer
from app.models import OutboxEvent
from app.models.base import utcnow

log = logging.getLogger("expsvc.relay")


class EventStream(Protocol):
    """A durable, capped log of domain events for the platform's other services."""

    async def append(self, event: dict[str, Any]) -> None: ...


def event_message(row: OutboxEvent) -> dict[str, Any]:
    """The JSON every consumer sees (``docs/events.md``)."""
    return {
        "type": "event",
        "event_id": str(row.event_id),
        "event_type": row.event_type,
        "aggregate_id": str(row.aggregate_id),
        "occurred_at": row.created_at.isoformat(),
        **row.payload,
    }


class OutboxRelay(OutboxConsumer):
    name = "outbox-relay"

    def __init__(
        self,
        db: Database,
        broker: Broker,
        *,
        stream: EventStream | None = None,
        batch_size: int = 200,
        idle_seconds: float = 0.5,
    ) -> None:
        super().__init__(db, batch_size=batch_size, idle_seconds=idle_seconds)
        self.broker = broker
        self.stream = stream
        self.published = 0

    async def _publish(self, rows: Sequence[OutboxEvent]) -> None:
        for row in rows:
            message = event_message(row)
            data = orjson.dumps(message)
            await self.broker.publish(experiment_channel(row.aggregate_id), data)
            await self.broker.publish(EXPERIMENTS_CHANNEL, data)
            if self.stream is not None and row.event_type in LIFECYCLE_EVENTS:
                await self.stream.append(message)

    async def _mark(self, session: AsyncSession, ids: list[int], now: datetime) -> None:
        await session.execute(
            update(OutboxEvent).where(OutboxEvent.id.in_(ids)).values(published_at=now)
        )

    def _pending(self) -> Any:
        return (
            select(OutboxEvent)
            .where(OutboxEvent.published_at.is_(None))
            .order_by(OutboxEvent.id)
            .limit(self.batch_size)
        )

    async def run_once(self) -> int:
        """Publish one batch of pending events; return how many."""
        if self.db.dialect == "postgresql":
            async with self.db.unit_of_work() as session:
                query = self._pending().with_for_update(skip_locked=True)
                rows = list((await session.scalars(query)).all())
                await self._publish(rows)
                await self._mark(session, [row.id for row in rows], utcnow())
        else:  # one process owns SQLite: read, publish, then mark (no lock held meanwhile)
            async with self.db.reader() as session:
                rows = list((await session.scalars(self._pending())).all())
            if rows:
                await self._publish(rows)
                async with self.db.unit_of_work() as session:
                    await self._mark(session, [row.id for row in rows], utcnow())
        self.published += len(rows)
        return len(rows)
