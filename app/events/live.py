"""Publishing live events without ever holding up the request that produced them.

Requests hand events to ``LivePublisher.publish_nowait`` after their transaction commits;
a background task drains a bounded queue into the broker. A slow or absent broker fills
the queue, and then the oldest events are dropped and counted: live subscribers recover
by replaying from the database, ingestion never waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import orjson

from app.background import BackgroundLoop, Loop
from app.events.broker import Broker

log = logging.getLogger("expsvc.live")

# redis-py's connection errors do not derive from the builtin ConnectionError
RETRYABLE_ERRORS = frozenset({"ConnectionError", "TimeoutError", "BusyLoadingError"})


class LivePublisher(BackgroundLoop):
    name = "live-publisher"

    def __init__(self, broker: Broker, *, queue_size: int = 10_000, timeout: float = 2.0) -> None:
        self.broker = broker
        self.timeout = timeout
        self.queue: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue(queue_size)
        self.dropped = 0
        self.failed = 0
        self._tasks = []
        # publish_throttled: when each key was last published, and the event waiting for
        # the end of its key's interval
        self._throttled_at: dict[str, float] = {}
        self._throttled_next: dict[str, tuple[str, dict[str, Any]]] = {}
        self._throttle_timers: dict[str, asyncio.TimerHandle] = {}

    def publish_nowait(self, channel: str, event: dict[str, Any]) -> None:
        message = orjson.dumps(event)
        self.start()
        if self.queue.full():
            with contextlib.suppress(asyncio.QueueEmpty, ValueError):
                self.queue.get_nowait()
                self.queue.task_done()
                self.dropped += 1
        self.queue.put_nowait((channel, message))

    def publish_throttled(
        self, channel: str, key: str, event: dict[str, Any], interval: float
    ) -> None:
        """``publish_nowait`` at most once per ``key`` per ``interval`` seconds: the first
        event at once, later ones within the interval folded into one, the latest, sent
        when the interval ends (so the last state always goes out)."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        last = self._throttled_at.get(key)
        if last is None or now - last >= interval:
            self._throttled_at[key] = now
            self.publish_nowait(channel, event)
            self._forget_quiet_keys(now, interval)
            return
        waiting = key in self._throttled_next
        self._throttled_next[key] = (channel, event)
        if not waiting:
            self._throttle_timers[key] = loop.call_later(
                last + interval - now, self._publish_folded, key
            )

    def _publish_folded(self, key: str) -> None:
        self._throttle_timers.pop(key, None)
        folded = self._throttled_next.pop(key, None)
        if folded is None:
            return
        self._throttled_at[key] = asyncio.get_running_loop().time()
        self.publish_nowait(*folded)

    def _forget_quiet_keys(self, now: float, interval: float) -> None:
        """Keys quiet for a whole interval need no memory (bounded by the active ones)."""
        if len(self._throttled_at) < 1024:
            return
        for key, at in list(self._throttled_at.items()):
            if now - at >= interval and key not in self._throttled_next:
                del self._throttled_at[key]

    def _loops(self) -> dict[str, Loop]:
        return {self.name: self._drain}

    async def _drain(self) -> None:
        while True:
            channel, message = await self.queue.get()
            try:
                await self._publish_until_delivered(channel, message)
            finally:
                self.queue.task_done()

    async def _publish_until_delivered(self, channel: str, message: bytes) -> None:
        """Retry while the broker is unreachable (events wait here, newest kept in the
        queue); give up on any other error."""
        delay = 0.05
        while True:
            try:
                await asyncio.wait_for(self.broker.publish(channel, message), self.timeout)
                return
            except (ConnectionError, TimeoutError, OSError) as exc:
                self.failed += 1
                log.warning("broker unreachable (%s); retrying in %.2fs", exc, delay)
            except Exception as exc:
                if type(exc).__name__ not in RETRYABLE_ERRORS:
                    self.failed += 1
                    log.warning("live event to %s not published: %s", channel, exc)
                    return
                self.failed += 1
                log.warning("broker unreachable (%s); retrying in %.2fs", exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)

    async def flush(self, wait_seconds: float = 5.0) -> None:
        """Wait until every queued event was handed to the broker (tests, shutdown)."""
        if not self.running:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(wait_seconds):
                await self.queue.join()

    async def stop(self) -> None:
        """Drop the throttled events still waiting, hand what is queued to the broker
        (for up to a second), then stop."""
        for timer in self._throttle_timers.values():
            timer.cancel()
        self._throttle_timers.clear()
        self._throttled_next.clear()
        await super().stop()

    async def _before_stop(self) -> None:
        await self.flush(1.0)
