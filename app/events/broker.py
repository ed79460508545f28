"""The broker seam: publish bytes to a channel; open subscriptions to channels.

``InProcessBroker`` is the embedded default (one process); ``RedisBroker``
(``app/events/redis_broker.py``) carries events between replicas. Delivery is at most
once per subscriber; a subscription is told when it may have missed something:

- ``GAP``: the broker lost its connection meanwhile — replay from the database;
- ``LAGGED``: this subscriber's bounded queue overflowed — it is too slow, and is ended.

A message reaches a channel's subscribers ``DELIVERY_CHUNK`` at a time, with a pass of
the event loop between chunks (``deliver_all``): each delivery wakes a subscriber task
that sends to its websocket, and thousands of them woken at once would hold the loop —
and every request waiting on it — until the last had sent.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Protocol

Message = tuple[str, bytes]

GAP: Message = ("__gap__", b"")
LAGGED: Message = ("__lagged__", b"")

# Subscribers woken per pass of the event loop when a message fans out
DELIVERY_CHUNK = 16


class Subscription:
    """A bounded queue of messages from some channels; overflow ends it with ``LAGGED``."""

    def __init__(
        self,
        channels: tuple[str, ...],
        queue_size: int,
        on_close: Callable[[Subscription], Awaitable[None]],
    ) -> None:
        self.channels = channels
        self.queue: asyncio.Queue[Message] = asyncio.Queue(queue_size + 1)
        self.queue_size = queue_size
        self.lagged = False
        self._on_close = on_close
        self._closed = False

    def deliver(self, message: Message) -> None:
        if self.lagged:
            return
        if self.queue.qsize() >= self.queue_size:
            self.lagged = True
            self.queue.put_nowait(LAGGED)  # the one spare slot
            return
        self.queue.put_nowait(message)

    async def get(self) -> Message:
        return await self.queue.get()

    def __aiter__(self) -> AsyncIterator[Message]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Message]:
        while True:
            yield await self.get()

    async def close(self) -> None:
        if not self._closed:
            self._closed = True
            await self._on_close(self)


async def deliver_all(subscriptions: Iterable[Subscription], message: Message) -> None:
    """Deliver to each subscription (a snapshot of them, taken now), yielding to the event
    loop after every ``DELIVERY_CHUNK``: the subscribers woken so far send, and requests
    waiting on the loop run, before the next chunk is woken. The order of messages per
    subscription is kept as long as one task delivers a channel's messages."""
    pending = list(subscriptions)
    for start in range(0, len(pending), DELIVERY_CHUNK):
        if start:
            await asyncio.sleep(0)
        for subscription in pending[start : start + DELIVERY_CHUNK]:
            subscription.deliver(message)


class Broker(Protocol):
    async def publish(self, channel: str, message: bytes) -> None: ...

    async def open(self, *channels: str, queue_size: int = 1000) -> Subscription:
        """Subscribed when this returns: anything published after it is delivered."""
        ...

    async def ping(self) -> None: ...

    async def close(self) -> None: ...


class InProcessBroker:
    """Fan-out inside one process."""

    def __init__(self) -> None:
        self._subscribers: dict[str, set[Subscription]] = defaultdict(set)

    async def publish(self, channel: str, message: bytes) -> None:
        await deliver_all(self._subscribers.get(channel, ()), (channel, message))

    async def open(self, *channels: str, queue_size: int = 1000) -> Subscription:
        subscription = Subscription(channels, queue_size, self._remove)
        for channel in channels:
            self._subscribers[channel].add(subscription)
        return subscription

    async def _remove(self, subscription: Subscription) -> None:
        for channel in subscription.channels:
            self._subscribers[channel].discard(subscription)
            if not self._subscribers[channel]:
                del self._subscribers[channel]

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._subscribers.clear()
