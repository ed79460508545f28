"""A user's notifications: list, mark read, and the live feed of new ones."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import SubscriptionLagged, ValidationFailed
from app.events.broker import GAP, LAGGED
from app.events.names import user_channel
from app.live.feed import LiveBacking, decode, opened
from app.models import User
from app.models.base import utcnow
from app.models.notification import Notification

MAX_PAGE = 500


async def list_notifications(
    session: AsyncSession, *, actor: User, unread_only: bool = False, first: int = 50
) -> list[Notification]:
    if not 0 <= first <= MAX_PAGE:
        raise ValidationFailed({"first": f"must be 0-{MAX_PAGE}"})
    query = select(Notification).where(Notification.user_id == actor.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    query = query.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(first)
    return list((await session.scalars(query)).all())


async def unread_count(session: AsyncSession, *, actor: User) -> int:
    """How many of the caller's notifications are unread (the console's bell)."""
    query = select(func.count()).where(
        Notification.user_id == actor.id, Notification.read_at.is_(None)
    )
    return int(await session.scalar(query) or 0)


async def mark_read(session: AsyncSession, *, actor: User, ids: Sequence[uuid.UUID]) -> int:
    """Mark the caller's own notifications read; returns how many changed (others' ids and
    already-read ones count zero)."""
    if len(ids) > MAX_PAGE:
        raise ValidationFailed({"ids": f"at most {MAX_PAGE} at a time"})
    result = await session.execute(
        update(Notification)
        .where(
            Notification.id.in_(set(ids)),
            Notification.user_id == actor.id,
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def _load(services: LiveBacking, ids: Sequence[uuid.UUID]) -> list[Notification]:
    async with services.db.reader() as session:
        query = select(Notification).where(Notification.id.in_(set(ids)))
        return list((await session.scalars(query.order_by(Notification.created_at))).all())


async def notification_feed(services: LiveBacking, *, actor: User) -> AsyncIterator[Notification]:
    """New notifications of the caller as they are produced."""
    async with opened(services, user_channel(actor.id)) as subscription:
        async for message in subscription:
            if message == LAGGED:
                raise SubscriptionLagged("the subscriber fell behind; list notifications")
            if message == GAP:
                continue  # the list query shows what a gap may have hidden
            event = decode(message)
            if event is None or event.get("type") != "notification":
                continue
            for row in await _load(services, [uuid.UUID(event["id"])]):
                if row.user_id == actor.id:
                    yield row
