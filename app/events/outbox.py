"""Appending domain events to the outbox, inside the caller's transaction."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.db import note_outbox_write
from app.events.names import EventType
from app.models import Experiment, OutboxEvent
from app.models.base import utcnow


def experiment_snapshot(experiment: Experiment) -> dict[str, Any]:
    """The JSON an experiment event carries (documented in ``docs/events.md``)."""

    def iso(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "id": str(experiment.id),
        "hypothesis_id": str(experiment.hypothesis_id),
        "owner_id": str(experiment.owner_id),
        "name": experiment.name,
        "status": experiment.status.value,
        "type": experiment.type.value,
        "model": experiment.model,
        "framework": experiment.framework,
        "failure_reason": experiment.failure_reason.value if experiment.failure_reason else None,
        "failure_message": experiment.failure_message,
        "created_at": iso(experiment.created_at),
        "started_at": iso(experiment.started_at),
        "finished_at": iso(experiment.finished_at),
    }


async def append_event(
    session: AsyncSession,
    event_type: EventType,
    *,
    aggregate_id: uuid.UUID,
    payload: dict[str, Any],
) -> OutboxEvent:
    """Queue an event; it is published only if the surrounding transaction commits."""
    now = utcnow()
    event = OutboxEvent(
        event_id=uuid.uuid4(),
        event_type=event_type.value,
        aggregate_id=aggregate_id,
        payload=payload,
        created_at=now,
    )
    session.add(event)
    await session.flush()
    note_outbox_write(session)
    return event


async def append_experiment_event(
    session: AsyncSession,
    event_type: EventType,
    experiment: Experiment,
    previous: dict[str, Any] | None = None,
) -> OutboxEvent:
    """``previous``: the values the change replaced (``docs/events.md``), so a live
    table can tell a row that stopped matching its filter without keeping state."""
    payload: dict[str, Any] = {"experiment": experiment_snapshot(experiment)}
    if previous is not None:
        payload["previous"] = previous
    return await append_event(session, event_type, aggregate_id=experiment.id, payload=payload)
