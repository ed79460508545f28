"""The idempotency key of a metric or log batch (``batchId``; its shape is
``validation.check_batch_id``): the first batch with a key is written and its count kept
in the kind's table (``metric_batches``, ``log_batches``); a retry with the key writes
nothing and is answered with that count."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Table, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import dialect_insert
from app.models import Experiment


async def claim_batch_id(
    session: AsyncSession,
    batches: Table,
    experiment_id: uuid.UUID,
    batch_id: str,
    accepted: int,
    now: datetime,
) -> int | None:
    """Record ``batch_id`` in ``batches``; None for a new claim, else the count the batch
    was first accepted with.

    One INSERT … SELECT from the experiment's row, so an unknown experiment inserts
    nothing (no foreign-key error) and answers None like a new claim: the touch that
    follows refuses it. Only a repeated id costs a second statement. The claim rolls
    back with a refused batch's unit of work."""
    experiments = Experiment.__table__
    statement = (
        dialect_insert(session, batches)
        .from_select(
            ["experiment_id", "batch_id", "accepted", "created_at"],
            select(
                experiments.c.id,
                literal(batch_id, batches.c.batch_id.type),
                literal(accepted, batches.c.accepted.type),
                literal(now, batches.c.created_at.type),
            ).where(experiments.c.id == experiment_id),
        )
        .on_conflict_do_nothing()
        .returning(batches.c.accepted)
    )
    if (await session.execute(statement)).first() is not None:
        return None
    previous = await session.scalar(
        select(batches.c.accepted).where(
            batches.c.experiment_id == experiment_id, batches.c.batch_id == batch_id
        )
    )
    return None if previous is None else int(previous)
