"""The Redis broker: pub/sub between replicas, with one Redis subscription per channel.

A process keeps one pub/sub connection. Local subscribers register per channel; the first
one subscribes the channel in Redis, the last one to leave unsubscribes it, so a closed
websocket leaves nothing behind (``PUBSUB NUMSUB`` returns to zero). If the connection
drops, the reader reconnects with backoff, subscribes again, and hands every local
subscriber a ``GAP`` marker: whatever was published meanwhile must be replayed from the
database by the subscriber.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

import redis.asyncio as redis

log = logging.getLogger("expsvc.broker")

GAP_CHANNEL = "__gap__"
GAP: tuple[str, bytes] = (GAP_CHANNEL, b"")


class RedisBroker:
    def __init__(self, url: str, *, prefix: str = "expsvc:", queue_size: int = 10_000) -> None:
        self.url = url
        self.prefix = prefix
        self.queue_size = queue_size
        self.client: redis.Redis = redis.from_url(
            url, socket_timeout=5, socket_connect_timeout=2, health_check_interval=15
        )
        self._local: dict[str, set[asyncio.Queue[tuple[str, bytes]]]] = defaultdict(set)
        self._pubsub: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self.connected = asyncio.Event()

    def _name(self, channel: str) -> str:
        return self.prefix + channel

    async def publish(self, channel: str, message: bytes) -> None:
        await self.client.publish(self._name(channel), message)

    async def ping(self) -> None:
        await self.client.ping()

    async def subscribe(self, *channels: str) -> AsyncIterator[tuple[str, bytes]]:
        queue: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue(self.queue_size)
        await self._add(queue, channels)
        try:
            while True:
                yield await queue.get()
        finally:
            await self._remove(queue, channels)

    async def _add(
        self, queue: asyncio.Queue[tuple[str, bytes]], channels: tuple[str, ...]
    ) -> None:
        async with self._lock:
            new = [c for c in channels if not self._local.get(c)]
            for channel in channels:
                self._local[channel].add(queue)
            self._ensure_reader()
            if new and self._pubsub is not None:
                with contextlib.suppress(Exception):  # the reader resubscribes on reconnect
                    await self._pubsub.subscribe(*(self._name(c) for c in new))

    async def _remove(
        self, queue: asyncio.Queue[tuple[str, bytes]], channels: tuple[str, ...]
    ) -> None:
        async with self._lock:
            gone = []
            for channel in channels:
                self._local[channel].discard(queue)
                if not self._local[channel]:
                    del self._local[channel]
                    gone.append(channel)
            if gone and self._pubsub is not None:
                with contextlib.suppress(Exception):
                    await self._pubsub.unsubscribe(*(self._name(c) for c in gone))

    def _ensure_reader(self) -> None:
        if self._reader is None or self._reader.done():
            self._reader = asyncio.create_task(self._read_forever(), name="redis-broker")

    def _deliver(self, channel: str, item: tuple[str, bytes]) -> None:
        for queue in list(self._local.get(channel, ())):
            if queue.full():
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
            queue.put_nowait(item)

    def _signal_gap(self) -> None:
        for channel in list(self._local):
            self._deliver(channel, GAP)

    async def _connect(self) -> None:
        async with self._lock:
            self._pubsub = self.client.pubsub()
            names = [self._name(c) for c in self._local]
            # subscribe to a private channel too, so listening works with no channel yet
            await self._pubsub.subscribe(self._name("__broker__"), *names)

    async def _read_forever(self) -> None:
        delay = 0.1
        first = True
        while True:
            try:
                await self._connect()
                if not first:
                    self._signal_gap()
                first = False
                self.connected.set()
                delay = 0.1
                await self._listen()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.connected.clear()
                log.warning("redis pub/sub connection lost: %s; retrying in %.1fs", exc, delay)
                await self._drop_pubsub()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def _listen(self) -> None:
        while True:
            message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            if message is None or message.get("type") != "message":
                continue
            name = message["channel"].decode()
            channel = name[len(self.prefix) :]
            self._deliver(channel, (channel, message["data"]))

    async def _drop_pubsub(self) -> None:
        if self._pubsub is not None:
            with contextlib.suppress(Exception):
                await self._pubsub.aclose()
            self._pubsub = None

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
            self._reader = None
        await self._drop_pubsub()
        await self.client.aclose()
        self._local.clear()
