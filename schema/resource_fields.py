"""Resolvers of pools, reservations, costs and notifications, attached to the roots in
``queries.py``, ``mutations.py`` and ``subscriptions.py``."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from app.notifications import service as notifications
from app.resources import actions, workflows
from app.resources import service as resources
from schema.context import Info, parse_id
from schema.resource_types import ResourcePool, ResourcePoolInput
from schema.types import Experiment, Notification


async def resource_pools(info: Info) -> list[ResourcePool]:
    await info.context.actor()
    async with info.context.reader() as session:
        pools = await resources.list_pools(session)
    return [ResourcePool.from_view(pool) for pool in pools]


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
    return [Notification(row=row) for row in rows]


UNREAD_COUNT_DESCRIPTION = "How many of the caller's notifications are unread."


async def unread_notification_count(info: Info) -> int:
    actor = await info.context.actor()
    async with info.context.reader() as session:
        return await notifications.unread_count(session, actor=actor)


async def upsert_resource_pool(info: Info, input: ResourcePoolInput) -> ResourcePool:
    actor = await info.context.actor()
    pool = await workflows.upsert_pool(
        info.context.services,
        actor=actor,
        name=input.name,
        gpu_type=input.gpu_type,
        capacity=input.capacity,
        hourly_cost_per_gpu=input.hourly_cost_per_gpu,
        cpu_cores=input.cpu_cores,
        memory_gb=input.memory_gb,
        hourly_cost_per_cpu_core=input.hourly_cost_per_cpu_core,
    )
    return ResourcePool.from_view(pool)


async def extend_reservation(info: Info, experiment_id: strawberry.ID, minutes: int) -> Experiment:
    actor = await info.context.actor()
    async with info.context.transaction() as session:
        row = await actions.extend_reservation(
            session,
            actor=actor,
            experiment_id=parse_id(experiment_id, "experiment"),
            minutes=minutes,
            settings=info.context.settings,
        )
    return Experiment(row=row)


async def add_api_cost(
    info: Info, experiment_id: strawberry.ID, amount: float, description: str
) -> Experiment:
    actor = await info.context.actor()
    row = await workflows.add_api_cost(
        info.context.services,
        actor=actor,
        experiment_id=parse_id(experiment_id, "experiment"),
        amount=amount,
        description=description,
    )
    return Experiment(row=row)


async def mark_notifications_read(info: Info, ids: list[strawberry.ID]) -> int:
    actor = await info.context.actor()
    parsed = [parse_id(value, "notification") for value in ids]
    async with info.context.transaction() as session:
        return await notifications.mark_read(session, actor=actor, ids=parsed)


async def notification_stream(info: Info) -> AsyncGenerator[Notification, None]:
    actor = await info.context.actor()
    async for row in notifications.notification_feed(info.context.services, actor=actor):
        yield Notification(row=row)
