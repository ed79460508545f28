"""What the notification producer writes for each new notification, in its transaction:
one ``notification_deliveries`` row per channel the recipient chose for the kind besides
IN_APP (HELD for their digest when they asked for one and the kind is noisy, else PENDING
and due at once). Nothing here sends: the delivery job does, so no channel ever slows the
producer, let alone a request."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.notification import Notification
from app.models.notification_delivery import Channel, DeliveryStatus, NotificationDelivery
from app.notifications.delivery.preferences import NOISY_KINDS, channels_of, preferences_by_users


async def enqueue(
    session: AsyncSession,
    *,
    kind: str,
    made: Sequence[tuple[uuid.UUID, uuid.UUID]],
    now: datetime,
) -> set[uuid.UUID]:
    """Queue the deliveries of new notifications ``made`` as (notification id, user id);
    returns the notifications whose recipient left IN_APP out (stored read, not pushed)."""
    if not made:
        return set()
    preferences = await preferences_by_users(session, [user_id for _, user_id in made])
    rows = []
    hidden: set[uuid.UUID] = set()
    for notification_id, user_id in made:
        preference = preferences.get(user_id)
        channels = channels_of(preference, kind)
        if Channel.IN_APP not in channels:
            hidden.add(notification_id)
        held = preference is not None and preference.digest and kind in NOISY_KINDS
        status = DeliveryStatus.HELD if held else DeliveryStatus.PENDING
        rows += [
            {
                "id": uuid.uuid4(),
                "notification_id": notification_id,
                "user_id": user_id,
                "channel": channel.value,
                "status": status.value,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
            for channel in channels
            if channel is not Channel.IN_APP
        ]
    if rows:
        await session.execute(insert(NotificationDelivery), rows)
    if hidden:
        await session.execute(
            update(Notification)
            .where(Notification.id.in_(hidden))
            .values(read_at=Notification.created_at)
            .execution_options(synchronize_session=False)
        )
    return hidden


async def deliveries_by_notification(
    session: AsyncSession, notification_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[NotificationDelivery]]:
    """Each notification's deliveries, by channel (what ``Notification.deliveries`` shows)."""
    query = (
        select(NotificationDelivery)
        .where(NotificationDelivery.notification_id.in_(set(notification_ids)))
        .order_by(NotificationDelivery.channel)
    )
    found: dict[uuid.UUID, list[NotificationDelivery]] = {}
    for row in (await session.scalars(query)).all():
        found.setdefault(row.notification_id, []).append(row)
    return found
