"""Log lines the service itself writes (source ``system``): why a run failed, was refused…"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Experiment, log_lines
from app.models.enums import LogLevel

SYSTEM_SOURCE = "system"


async def reserve_seq(session: AsyncSession, experiment_id: uuid.UUID, count: int) -> int:
    """Reserve ``count`` sequence numbers; return the last. The row lock keeps them gapless."""
    statement = (
        update(Experiment)
        .where(Experiment.id == experiment_id)
        .values(log_seq=Experiment.log_seq + count)
        .returning(Experiment.log_seq)
        .execution_options(synchronize_session=False)
    )
    return int((await session.execute(statement)).scalar_one())


async def append_system_line(
    session: AsyncSession,
    *,
    experiment_id: uuid.UUID,
    message: str,
    now: datetime,
    level: LogLevel = LogLevel.WARNING,
) -> int:
    """Write one ``system`` line whatever the status; return its sequence number."""
    seq = await reserve_seq(session, experiment_id, 1)
    await session.execute(
        insert(log_lines).values(
            experiment_id=experiment_id,
            seq=seq,
            timestamp=now,
            level=level.value,
            message=message,
            source=SYSTEM_SOURCE,
        )
    )
    return seq
