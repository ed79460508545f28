"""The seam in the start path: what else happens when an experiment starts.

Resource reservation and the MLflow run plug in here; each hook runs inside the start
transaction, after the status moved to RUNNING, and may raise a ``DomainError`` to undo
the start (the unit of work rolls the whole transaction back).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.models import Experiment


class StartHook(Protocol):
    async def __call__(self, session: AsyncSession, experiment: Experiment) -> None: ...


class StartHooks:
    """An ordered list of hooks run when an experiment starts."""

    def __init__(self, hooks: list[StartHook] | None = None) -> None:
        self.hooks: list[StartHook] = list(hooks or [])

    async def on_started(self, session: AsyncSession, experiment: Experiment) -> None:
        for hook in self.hooks:
            await hook(session, experiment)

    def without_reservation(self) -> StartHooks:
        """These hooks but the reservation: for a run computing on machines that are not
        our pools' (an MLflow run that asks for no GPUs), which holds nothing of them."""
        return StartHooks([hook for hook in self.hooks if not isinstance(hook, ReserveResources)])


class ReserveResources:
    """The first hook: admit the start (the queue and the caps, ``app/resources/queue.py``)
    and hold the requested GPUs; ``RESOURCES_UNAVAILABLE`` undoes the start. ``settings``
    gives the settings in force (the caps)."""

    def __init__(self, settings: Callable[[], Settings]) -> None:
        self.settings = settings

    async def __call__(self, session: AsyncSession, experiment: Experiment) -> None:
        from app.resources.queue import admit
        from app.resources.service import reserve

        assert experiment.started_at is not None
        await admit(session, experiment, self.settings())
        await reserve(session, experiment, experiment.started_at, pool_name=experiment.queue_pool)
