"""Reading notifications back in the notification tests."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

from sqlalchemy import func, select

from app.models import OutboxEvent
from app.models.notification import Notification
from app.services import Services


async def stored(
    services: Services, experiment_id: uuid.UUID | None = None, kind: str | None = None
) -> list[Notification]:
    query = select(Notification)
    if experiment_id is not None:
        query = query.where(Notification.experiment_id == experiment_id)
    if kind is not None:
        query = query.where(Notification.kind == kind)
    async with services.db.reader() as session:
        return list((await session.scalars(query.order_by(Notification.created_at))).all())


async def recipients_of(
    services: Services, experiment_id: uuid.UUID, kind: str
) -> Counter[uuid.UUID]:
    """How many notifications of ``kind`` each user got about the experiment."""
    return Counter(row.user_id for row in await stored(services, experiment_id, kind))


async def unnotified(services: Services) -> int:
    """Outbox events no producer has handled yet."""
    async with services.db.reader() as session:
        query = select(func.count()).where(OutboxEvent.notified_at.is_(None))
        return int(await session.scalar(query) or 0)


async def drain(services: Services, seconds: float = 10.0) -> None:
    """Run the producer until every outbox event is handled, even while another consumer
    (the relay) holds some rows for a moment."""
    async with asyncio.timeout(seconds):
        while True:
            await services.notifier.run_until_empty()
            if not await unnotified(services):
                return
            await asyncio.sleep(0.01)
