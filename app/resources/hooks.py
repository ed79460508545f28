"""What the resources do at the seams of a run's life (``app/experiments/start_hooks.py``):
reserve when it starts (``ReserveResources``), give back what it held when it finishes
(``service.release``). The composition root (``app/services.py``) registers both."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.models import Experiment
from app.resources.queue import admit
from app.resources.service import reserve


class ReserveResources:
    """The start hook run first: admit the start (the queue and the caps,
    ``app/resources/queue.py``) and hold the requested GPUs; ``RESOURCES_UNAVAILABLE``
    undoes the start. ``settings`` gives the settings in force (the caps)."""

    def __init__(self, settings: Callable[[], Settings]) -> None:
        self.settings = settings

    async def __call__(self, session: AsyncSession, experiment: Experiment) -> None:
        assert experiment.started_at is not None
        await admit(session, experiment, self.settings())
        await reserve(session, experiment, experiment.started_at, pool_name=experiment.queue_pool)
