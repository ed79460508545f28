"""The seam in the start path: what else happens when an experiment starts.

Resource reservation and the MLflow run plug in here; each hook runs inside the start
transaction, after the status moved to RUNNING, and may raise a ``DomainError`` to undo
the start (the unit of work rolls the whole transaction back).
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

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


async def reserve_resources(session: AsyncSession, experiment: Experiment) -> None:
    """The first hook: hold the requested GPUs (``RESOURCES_UNAVAILABLE`` undoes the start)."""
    from app.resources.service import reserve

    assert experiment.started_at is not None
    await reserve(session, experiment, experiment.started_at)


def default_hooks() -> StartHooks:
    return StartHooks([reserve_resources])
