"""The broker seam: publish bytes to a channel, subscribe to channels.

``InProcessBroker`` is the embedded default (one process); ``RedisBroker`` carries events
between replicas. Delivery is at most once per subscriber: what a subscriber misses it
recovers from the database (replay by step or sequence), never from the broker.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Protocol


class Broker(Protocol):
    async def publish(self, channel: str, message: bytes) -> None: ...

    def subscribe(self, *channels: str) -> AsyncIterator[tuple[str, bytes]]: ...

    async def ping(self) -> None: ...

    async def close(self) -> None: ...


class InProcessBroker:
    """Fan-out inside one process through per-subscriber queues."""

    def __init__(self, queue_size: int = 10_000) -> None:
        self.queue_size = queue_size
        self._subscribers: dict[str, set[asyncio.Queue[tuple[str, bytes]]]] = defaultdict(set)

    async def publish(self, channel: str, message: bytes) -> None:
        for queue in list(self._subscribers.get(channel, ())):
            if queue.full():  # the slow subscriber loses its oldest message, not the publisher
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
            queue.put_nowait((channel, message))

    async def subscribe(self, *channels: str) -> AsyncIterator[tuple[str, bytes]]:
        queue: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue(self.queue_size)
        for channel in channels:
            self._subscribers[channel].add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            for channel in channels:
                self._subscribers[channel].discard(queue)
                if not self._subscribers[channel]:
                    del self._subscribers[channel]

    def subscriber_count(self, channel: str) -> int:
        return len(self._subscribers.get(channel, ()))

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._subscribers.clear()
