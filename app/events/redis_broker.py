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
from typing import Any

import orjson
import redis.asyncio as redis

from app.events.broker import GAP, Subscription, deliver_all

log = logging.getLogger("expsvc.broker")


class RedisBroker:
    def __init__(self, url: str, *, prefix: str = "expsvc:") -> None:
        self.url = url
        self.prefix = prefix
        self.client: redis.Redis = redis.from_url(
            url, socket_timeout=5, socket_connect_timeout=2, health_check_interval=15
        )
        # each channel's subscriptions in the order they came (a dict as an ordered set)
        self._local: dict[str, dict[Subscription, None]] = defaultdict(dict)
        self._confirmed: dict[str, asyncio.Event] = {}
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

    async def open(self, *channels: str, queue_size: int = 1000) -> Subscription:
        """Subscribed in Redis when this returns (it waits for the confirmation, briefly)."""
        subscription = Subscription(channels, queue_size, self._remove)
        async with self._lock:
            new = [c for c in channels if not self._local.get(c)]
            for channel in channels:
                self._local[channel][subscription] = None
            waits = [self._confirmed.setdefault(self._name(c), asyncio.Event()) for c in new]
            self._ensure_reader()
            if new and self._pubsub is not None:
                with contextlib.suppress(Exception):  # the reader resubscribes on reconnect
                    await self._pubsub.subscribe(*(self._name(c) for c in new))
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(5):
                for event in waits:
                    await event.wait()
        return subscription

    async def _remove(self, subscription: Subscription) -> None:
        async with self._lock:
            gone = []
            for channel in subscription.channels:
                self._local[channel].pop(subscription, None)
                if not self._local[channel]:
                    del self._local[channel]
                    self._confirmed.pop(self._name(channel), None)
                    gone.append(channel)
            if gone and self._pubsub is not None:
                with contextlib.suppress(Exception):
                    await self._pubsub.unsubscribe(*(self._name(c) for c in gone))

    def _ensure_reader(self) -> None:
        if self._reader is None or self._reader.done():
            self._reader = asyncio.create_task(self._read_forever(), name="redis-broker")

    def _deliver(self, channel: str, message: tuple[str, bytes]) -> None:
        for subscription in list(self._local.get(channel, ())):
            subscription.deliver(message)

    def _signal_gap(self) -> None:
        for channel in list(self._local):
            self._deliver(channel, GAP)

    async def _connect(self) -> None:
        async with self._lock:
            self._pubsub = self.client.pubsub()
            names = [self._name(c) for c in self._local]
            # a private channel too, so listening works before any subscriber arrives
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
            message = await self._pubsub.get_message(timeout=1.0)
            if message is None:
                continue
            name = message["channel"].decode()
            if message.get("type") == "subscribe":
                self._confirmed.setdefault(name, asyncio.Event()).set()
            elif message.get("type") == "message":
                channel = name[len(self.prefix) :]
                await deliver_all(self._local.get(channel, ()), (channel, message["data"]))

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


class RedisEventStream:
    """Domain events appended to a capped Redis Stream, for consumer groups elsewhere.

    Entries: ``event_id``, ``event_type`` and ``data`` (the event's JSON). Delivery is at
    least once: a consumer drops an ``event_id`` it has seen.
    """

    def __init__(self, client: redis.Redis, key: str, *, maxlen: int = 100_000) -> None:
        self.client = client
        self.key = key
        self.maxlen = maxlen

    async def append(self, event: dict[str, Any]) -> None:
        fields: dict[Any, Any] = {
            "event_id": event["event_id"],
            "event_type": event["event_type"],
            "data": orjson.dumps(event),
        }
        await self.client.xadd(self.key, fields, maxlen=self.maxlen, approximate=True)
