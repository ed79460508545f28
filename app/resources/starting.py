"""Starting an experiment, end to end: the move and its hooks in one transaction, and —
when it cannot start now — either joining the GPU queue (``wait``, the default:
``app/resources/queue.py``, the scheduler starts it as soon as it can) or the refusal
recorded in a transaction of its own, since the first one rolls back (the experiment stays
QUEUED, the watchers still hear about it)."""

from __future__ import annotations

import uuid

from app.errors import ResourcesUnavailable
from app.events.names import EventType
from app.events.outbox import append_event, experiment_snapshot
from app.experiments import service as experiments
from app.models import Experiment, User
from app.models.base import utcnow
from app.resources import queue
from app.resources.backing import ResourceBacking


async def start(
    services: ResourceBacking, *, actor: User, experiment_id: uuid.UUID, wait: bool = True
) -> Experiment:
    try:
        async with services.db.unit_of_work() as session:
            return await experiments.start_experiment(
                session, actor=actor, experiment_id=experiment_id, hooks=services.start_hooks
            )
    except ResourcesUnavailable as refused:
        refusal = refused
    if wait:
        try:
            async with services.db.unit_of_work() as session:
                return await queue.enqueue(
                    session, actor=actor, experiment_id=experiment_id, now=utcnow()
                )
        except ResourcesUnavailable as no_pool:  # nothing of its GPU type to wait for
            refusal = no_pool
    async with services.db.unit_of_work() as session:
        experiment = await experiments.get_experiment(
            session, actor=actor, experiment_id=experiment_id
        )
        await append_event(
            session,
            EventType.RESOURCES_UNAVAILABLE,
            aggregate_id=experiment_id,
            payload={"experiment": experiment_snapshot(experiment), "details": refusal.details},
        )
    raise refusal
