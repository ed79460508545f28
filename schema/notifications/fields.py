"""The notifications' root fields."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from app.notifications import service as notifications
from schema.context import Info, parse_id
from schema.notifications.preferences import (
    NOTIFICATION_PREFERENCES_DESCRIPTION,
    UPDATE_NOTIFICATION_PREFERENCES_DESCRIPTION,
    NotificationPreferences,
    notification_preferences,
    update_notification_preferences,
)
from schema.notifications.types import Notification


async def notification_list(
    info: Info, unread_only: bool | None = False, first: int | None = 50
) -> list[Notification]:
    actor = await info.context.actor()
    async with info.context.reader() as session:
        rows = await notifications.list_notifications(
            session,
            actor=actor,
            unread_only=bool(unread_only),
            first=50 if first is None else first,
        )
    return [Notification.from_row(row) for row in rows]


UNREAD_COUNT_DESCRIPTION = "How many of the caller's notifications are unread."


async def unread_notification_count(info: Info) -> int:
    actor = await info.context.actor()
    async with info.context.reader() as session:
        return await notifications.unread_count(session, actor=actor)


async def mark_notifications_read(info: Info, ids: list[strawberry.ID]) -> int:
    actor = await info.context.actor()
    parsed = [parse_id(value, "notification") for value in ids]
    async with info.context.transaction() as session:
        return await notifications.mark_read(session, actor=actor, ids=parsed)


async def notification_stream(info: Info) -> AsyncGenerator[Notification, None]:
    actor = await info.context.actor()
    async for row in notifications.notification_feed(info.context.services, actor=actor):
        yield Notification.from_row(row)


@strawberry.type
class NotificationQueries:
    notifications: list[Notification] = strawberry.field(
        resolver=notification_list, description="The caller's, newest first."
    )

    unread_notification_count: int = strawberry.field(
        resolver=unread_notification_count,
        description=UNREAD_COUNT_DESCRIPTION,
    )

    notification_preferences: NotificationPreferences = strawberry.field(
        resolver=notification_preferences, description=NOTIFICATION_PREFERENCES_DESCRIPTION
    )


@strawberry.type
class NotificationMutations:
    mark_notifications_read: int = strawberry.mutation(
        resolver=mark_notifications_read,
        description="Mark the caller's notifications read; returns how many changed.",
    )

    update_notification_preferences: NotificationPreferences = strawberry.mutation(
        resolver=update_notification_preferences,
        description=UPDATE_NOTIFICATION_PREFERENCES_DESCRIPTION,
    )


@strawberry.type
class NotificationSubscriptions:
    @strawberry.subscription(description="The caller's new notifications, live.")
    async def notifications(self, info: Info) -> AsyncGenerator[Notification, None]:
        async for notification in notification_stream(info):
            yield notification
