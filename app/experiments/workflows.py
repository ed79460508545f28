"""Experiment workflows: each owns its transaction and, once it has committed, tells the
live feeds (``docs/architecture.md``, "Operations and workflows")."""

from __future__ import annotations

import uuid
from typing import Protocol

from app.db import Database
from app.events.live import LivePublisher
from app.experiments import service
from app.experiments.events import publish_progress
from app.experiments.schemas import ProgressData
from app.models import Experiment, User


class ExperimentBacking(Protocol):
    """What these workflows use of the running app (the composition root's ``Services``,
    ``app/services.py``, is one)."""

    db: Database
    live: LivePublisher


async def report_progress(
    services: ExperimentBacking, *, actor: User, experiment_id: uuid.UUID, data: ProgressData
) -> Experiment:
    """``service.report_progress`` in a unit of work of its own, published after it
    commits (a heartbeat publishes nothing)."""
    async with services.db.unit_of_work() as session:
        row = await service.report_progress(
            session, actor=actor, experiment_id=experiment_id, data=data
        )
    publish_progress(services.live, row.id, data)
    return row
