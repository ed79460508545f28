"""A background loop of this process: its task(s) started once, stopped by cancelling
them and waiting. The outbox consumers, the leader jobs, the live publisher and the queue
scheduler are such loops; each says what it runs (``_loops``) and what starting and
stopping also do (``_starting``, ``_before_stop``, ``_after_stop``)."""

from __future__ import annotations

import asyncio
import contextlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Coroutine
from typing import Any

Loop = Callable[[], Coroutine[Any, Any, None]]


class BackgroundLoop(ABC):
    name: str
    _tasks: list[asyncio.Task[None]]

    @abstractmethod
    def _loops(self) -> dict[str, Loop]:
        """The coroutine function(s) to run, by task name."""

    @property
    def running(self) -> bool:
        """Started and not yet stopped."""
        return bool(getattr(self, "_tasks", None))

    def start(self) -> None:
        """Start the task(s); starting a started loop does nothing."""
        if self.running:
            return
        self._starting()
        self._tasks = [asyncio.create_task(run(), name=name) for name, run in self._loops().items()]

    async def stop(self) -> None:
        """Cancel the task(s) and wait for them; ``_after_stop`` runs even when the loop
        never started (a leader job gives its lock back either way)."""
        tasks = getattr(self, "_tasks", [])
        if tasks:
            await self._before_stop()
        self._tasks = []
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._after_stop(started=bool(tasks))

    def _starting(self) -> None:  # noqa: B027 (a hook: nothing to do by default)
        """Before the tasks are created (register wake-ups)."""

    async def _before_stop(self) -> None:  # noqa: B027
        """Before the tasks are cancelled (flush what is queued)."""

    async def _after_stop(self, *, started: bool) -> None:  # noqa: B027
        """After the tasks ended (unregister wake-ups, give a lock back)."""
