"""The loop every outbox consumer runs (the relay, the notification producer): handle a
batch, and when the outbox is drained sleep until a commit that wrote outbox rows wakes it
(``app.db.note_outbox_write``) or a short timeout passes (rows written by other replicas);
on errors back off and keep the rows for the next attempt."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from abc import abstractmethod

from app.background import BackgroundLoop, Loop
from app.db import Database


class OutboxConsumer(BackgroundLoop):
    name = "outbox-consumer"

    def __init__(self, db: Database, *, batch_size: int, idle_seconds: float) -> None:
        self.db = db
        self.batch_size = batch_size
        self.idle_seconds = idle_seconds
        self._wake = asyncio.Event()
        self._tasks = []
        self.log = logging.getLogger(f"expsvc.{self.name}")

    @abstractmethod
    async def run_once(self) -> int:
        """Handle one batch; return how many rows it handled."""

    async def run_until_empty(self) -> int:
        total = 0
        while count := await self.run_once():
            total += count
        return total

    def wake(self) -> None:
        self._wake.set()

    async def _loop(self) -> None:
        delay = self.idle_seconds
        while True:
            try:
                handled = await self.run_once()
                delay = self.idle_seconds
            except Exception as exc:  # broker or database away: the rows wait for us
                self.log.warning("%s: will retry: %s", self.name, exc)
                handled = 0
                delay = min(delay * 2, 5.0)
            if handled < self.batch_size:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(delay):
                        await self._wake.wait()
                self._wake.clear()

    def _loops(self) -> dict[str, Loop]:
        return {self.name: self._loop}

    def _starting(self) -> None:
        self.db.after_outbox_commit.append(self.wake)

    async def _after_stop(self, *, started: bool) -> None:
        with contextlib.suppress(ValueError):
            self.db.after_outbox_commit.remove(self.wake)
