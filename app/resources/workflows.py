"""Resource workflows: each owns its transaction and, once it has committed, tells the
live feeds (``docs/architecture.md``, "Operations and workflows")."""

from __future__ import annotations

import uuid

from app.experiments.events import publish_cost
from app.models import Experiment, User
from app.resources import actions
from app.services import Services


async def add_api_cost(
    services: Services, *, actor: User, experiment_id: uuid.UUID, amount: float, description: str
) -> Experiment:
    """``actions.add_api_cost`` in a unit of work of its own, published after it commits."""
    async with services.db.unit_of_work() as session:
        row = await actions.add_api_cost(
            session,
            actor=actor,
            experiment_id=experiment_id,
            amount=amount,
            description=description,
        )
    publish_cost(services.live, row.id)
    return row
