"""The live event an accepted log batch becomes (published after commit, never awaited)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from app.events.live import LivePublisher
from app.events.names import experiment_channel
from app.logs.service import LogLineRow

EVENT_TYPE = "logs"


def line_json(row: LogLineRow) -> dict[str, Any]:
    return {
        "seq": row.seq,
        "timestamp": row.timestamp.isoformat(),
        "level": row.level.value,
        "message": row.message,
        "source": row.source,
    }


def publish_logs(live: LivePublisher, experiment_id: uuid.UUID, rows: Sequence[LogLineRow]) -> None:
    """Queue ``{"type": "logs", "experiment_id", "lines": [...]}`` on the experiment's channel;
    no lines (a retried batch stored none), no event.

    ``publish_nowait`` only enqueues: a slow or absent broker never holds up ingestion.
    """
    if not rows:
        return
    event: dict[str, Any] = {
        "type": EVENT_TYPE,
        "experiment_id": str(experiment_id),
        "lines": [line_json(row) for row in rows],
    }
    live.publish_nowait(experiment_channel(experiment_id), event)
