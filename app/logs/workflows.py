"""Log workflows: each owns its transaction and, once it has committed, tells the live
feeds (``docs/architecture.md``, "Operations and workflows")."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Protocol

from app.db import Database
from app.events.live import LivePublisher
from app.logs.events import publish_logs
from app.logs.schemas import LogLineData
from app.logs.service import AppendResult, append_lines
from app.models import User


class LogBacking(Protocol):
    """What these workflows use of the running app (the composition root's ``Services``,
    ``app/services.py``, is one)."""

    db: Database
    live: LivePublisher


async def ingest_lines(
    services: LogBacking,
    *,
    actor: User,
    experiment_id: uuid.UUID,
    lines: Sequence[LogLineData],
    batch_id: str | None = None,
) -> AppendResult:
    """``append_lines`` in a unit of work of its own; the stored lines are published after
    it commits (a retried batch stores and publishes nothing)."""
    async with services.db.unit_of_work() as session:
        result = await append_lines(
            session, actor=actor, experiment_id=experiment_id, lines=lines, batch_id=batch_id
        )
    publish_logs(services.live, experiment_id, result.rows)
    return result
