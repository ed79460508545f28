"""What every live feed shares: authorise, open the channel, decode, and snapshots."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, Protocol

import orjson
from cachetools import LRUCache
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db import Database
from app.events.broker import GAP, LAGGED, Broker, Message, Subscription
from app.events.names import experiment_channel
from app.experiments.service import get_experiment
from app.metrics.stores import MetricStore
from app.models import Experiment, User


class LiveBacking(Protocol):
    """What the live feeds use of the running app (the composition root's ``Services``,
    ``app/services.py``, is one): the database, the broker, the settings."""

    db: Database
    broker: Broker
    settings: Settings
    metrics: MetricStore


async def readable_experiment(
    services: LiveBacking, actor: User, experiment_id: uuid.UUID
) -> Experiment:
    async with services.db.reader() as session:
        return await get_experiment(session, actor=actor, experiment_id=experiment_id)


@asynccontextmanager
async def opened(services: LiveBacking, *channels: str) -> AsyncIterator[Subscription]:
    """A broker subscription, subscribed before the block runs, closed after it."""
    subscription = await services.broker.open(
        *channels, queue_size=services.settings.subscription_queue_size
    )
    try:
        yield subscription
    finally:
        await subscription.close()


@asynccontextmanager
async def experiment_channel_of(
    services: LiveBacking, actor: User, experiment_id: uuid.UUID
) -> AsyncIterator[Subscription]:
    """``NOT_FOUND`` unless the caller may read it; then its channel, opened."""
    await readable_experiment(services, actor, experiment_id)
    async with opened(services, experiment_channel(experiment_id)) as subscription:
        yield subscription


# How many live messages the per-process memos keep (decoded event, points, GraphQL event
# and result, encoded text). Subscribers of one batch are served within a few batches of
# each other; one further behind rebuilds (same answer, more CPU). Kept small on purpose:
# a 1,000-point batch leaves ~10,000 objects in these memos, and with 64 batches kept the
# ~700,000 survivors make each full garbage collection stall the loop 160-290 ms.
LIVE_MEMO_SIZE = 8


class SharedMemo:
    """A small memo keyed by an object's identity, holding the object so the identity
    cannot be reused while the entry lives. Every subscriber of a channel receives the
    same message object, so work derived from it is done once per process, not once per
    subscriber."""

    def __init__(self, size: int = LIVE_MEMO_SIZE) -> None:
        self.size = size
        self._entries: LRUCache[int, tuple[object, Any]] = LRUCache(size)

    def get(self, key: object, make: Callable[[], Any]) -> Any:
        hit = self._entries.get(id(key))
        if hit is not None and hit[0] is key:
            return hit[1]
        value = make()
        self._entries[id(key)] = (key, value)
        return value


_decoded = SharedMemo()


def decode(message: Message) -> dict[str, Any] | None:
    """The event a message carries (decoded once per message, shared by its subscribers:
    treat it as read-only); None for the markers ``GAP`` and ``LAGGED``."""
    if message in (GAP, LAGGED):
        return None
    event: dict[str, Any] = _decoded.get(message[1], lambda: orjson.loads(message[1]))
    return event


@asynccontextmanager
async def snapshot(services: LiveBacking) -> AsyncIterator[AsyncSession]:
    """A read session whose statements all see one state of the database."""
    async with services.db.reader() as session:
        if services.db.dialect == "postgresql":
            await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        yield session
