"""The seams in a run's life: what else happens when an experiment starts, and when it
finishes.

Start hooks (``StartHooks``): resource reservation and the MLflow run plug in here; each
hook runs inside the start transaction, after the status moved to RUNNING, and may raise a
``DomainError`` to undo the start (the unit of work rolls the whole transaction back). The
reservation has a slot of its own, run first, so that a run computing elsewhere can start
without it (``without_reservation``).

Finish hooks (``FINISH_HOOKS``): each runs inside the transaction of a terminal move
(``lifecycle.transition``: complete, fail, stop), after the status changed. One list for
the process, since a terminal move is made wherever a session is (a caller's move, the
watchdog's, the expiry's): the composition root (``app/services.py``) adds the release of
what the run held.

The hooks themselves live with the domains that own what they do
(``app/resources/hooks.py``, ``app/integrations/mirror/queue.py``); this package imports
none of them.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Experiment


class StartHook(Protocol):
    async def __call__(self, session: AsyncSession, experiment: Experiment) -> None: ...


class StartHooks:
    """An ordered list of hooks run when an experiment starts: ``reservation`` first, if
    any, then ``hooks``."""

    def __init__(
        self, hooks: list[StartHook] | None = None, *, reservation: StartHook | None = None
    ) -> None:
        self.hooks: list[StartHook] = list(hooks or [])
        self.reservation = reservation

    async def on_started(self, session: AsyncSession, experiment: Experiment) -> None:
        if self.reservation is not None:
            await self.reservation(session, experiment)
        for hook in self.hooks:
            await hook(session, experiment)

    def without_reservation(self) -> StartHooks:
        """These hooks but the reservation: for a run computing on machines that are not
        our pools' (an MLflow run that asks for no GPUs), which holds nothing of them."""
        return StartHooks(self.hooks)


class FinishHook(Protocol):
    async def __call__(
        self, session: AsyncSession, experiment_id: uuid.UUID, now: datetime
    ) -> None: ...


class FinishHooks:
    """An ordered list of hooks run when a run reaches a terminal status."""

    def __init__(self) -> None:
        self.hooks: list[FinishHook] = []

    def add(self, hook: FinishHook) -> None:
        """Add ``hook`` once (adding it again does nothing)."""
        if hook not in self.hooks:
            self.hooks.append(hook)

    async def on_finished(
        self, session: AsyncSession, experiment_id: uuid.UUID, now: datetime
    ) -> None:
        for hook in self.hooks:
            await hook(session, experiment_id, now)


FINISH_HOOKS = FinishHooks()
