"""The broker seam: publish bytes to a channel; open subscriptions to channels.

``InProcessBroker`` is the embedded default (one process); ``RedisBroker``
(``app/events/redis_broker.py``) carries events between replicas. Delivery is at most
once per subscriber; a subscription is told when it may have missed something:

- ``GAP``: the broker lost its connection meanwhile — replay from the database;
- ``LAGGED``: this subscriber's bounded queue overflowed — it is too slow, and is ended.

A subscription's consumer may offer to take messages **in place** (``in_place``): while
it waits for the next message with nothing queued, a delivery first calls that function
(from the broker's fan-out, no task woken); if it returns True the message is handled and
never queued. The order is that of the queue: only a consumer waiting at an empty queue is
offered a message, so everything before it was handled. Anything it declines is queued as
usual (and the queue's rules — the bound, ``LAGGED`` — apply).

A message reaches a channel's subscribers with a pass of the event loop now and then
(``deliver_all``): after ``DELIVERY_CHUNK`` subscriber tasks woken, or ``IN_PLACE_CHUNK``
messages taken in place. Each woken task then sends to its websocket, and thousands of
them woken at once would hold the loop — and every request waiting on it — until the last
had sent.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Protocol

Message = tuple[str, bytes]

GAP: Message = ("__gap__", b"")
LAGGED: Message = ("__lagged__", b"")

# Subscribers woken per pass of the event loop when a message fans out
DELIVERY_CHUNK = 16
# Messages taken in place per pass of the event loop (each ~30-40 µs of CPU here, most of
# it the socket write): a request arriving during a fan-out waits a pass at each of its
# awaits (~20 for a metric POST), so passes are kept short (~0.6 ms)
IN_PLACE_CHUNK = 16

log = logging.getLogger("expsvc.broker")

InPlace = Callable[[Message], bool]


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
        # set by the consumer: takes a message in place while it waits at an empty queue
        self.in_place: InPlace | None = None
        self._waiting = False
        self._on_close = on_close
        self._closed = False

    def deliver(self, message: Message) -> bool:
        """Queue the message (True: a consumer task will run for it) or have it taken in
        place (False)."""
        if self.lagged:
            return False
        if self._waiting and self.in_place is not None and not self.queue.qsize():
            try:
                if self.in_place(message):
                    return False
            except Exception:  # the consumer's own path will meet the problem and report it
                log.exception("taking a message in place failed; queueing from now on")
                self.in_place = None
        if self.queue.qsize() >= self.queue_size:
            self.lagged = True
            self.queue.put_nowait(LAGGED)  # the one spare slot
            return True
        self.queue.put_nowait(message)
        return True

    async def get(self) -> Message:
        self._waiting = True
        try:
            return await self.queue.get()
        finally:
            self._waiting = False

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
    loop after ``DELIVERY_CHUNK`` subscribers woken or ``IN_PLACE_CHUNK`` messages taken in
    place: the subscribers woken so far send, and requests waiting on the loop run, before
    the next ones. The order of messages per subscription is kept as long as one task
    delivers a channel's messages."""
    budget = DELIVERY_CHUNK * IN_PLACE_CHUNK
    spent = 0
    for subscription in list(subscriptions):
        if spent >= budget:
            spent = 0
            await asyncio.sleep(0)
        spent += IN_PLACE_CHUNK if subscription.deliver(message) else DELIVERY_CHUNK


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
        # each channel's subscriptions in the order they came (a dict as an ordered set)
        self._subscribers: dict[str, dict[Subscription, None]] = defaultdict(dict)

    async def publish(self, channel: str, message: bytes) -> None:
        await deliver_all(self._subscribers.get(channel, ()), (channel, message))

    async def open(self, *channels: str, queue_size: int = 1000) -> Subscription:
        subscription = Subscription(channels, queue_size, self._remove)
        for channel in channels:
            self._subscribers[channel][subscription] = None
        return subscription

    async def _remove(self, subscription: Subscription) -> None:
        for channel in subscription.channels:
            self._subscribers[channel].pop(subscription, None)
            if not self._subscribers[channel]:
                del self._subscribers[channel]

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._subscribers.clear()
