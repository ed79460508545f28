"""Live events about an experiment's state (published after commit, never awaited)."""

from __future__ import annotations

import uuid

from app.events.live import LivePublisher
from app.events.names import EXPERIMENTS_CHANNEL, experiment_channel
from app.experiments.schemas import ProgressData

# A live list (``experimentsChanged``) hears of an experiment's progress at most this often:
# each report there costs every list subscriber a read of the row.
LIST_PROGRESS_INTERVAL_SECONDS = 1.0


def publish_progress(live: LivePublisher, experiment_id: uuid.UUID, data: ProgressData) -> None:
    """Subscribers reload the experiment: the event only says that progress moved, so a
    heartbeat (``data.is_heartbeat``) publishes nothing. The experiment's own channel gets
    every report (the Run Monitor); the live lists' channel at most one per
    ``LIST_PROGRESS_INTERVAL_SECONDS``, the latest."""
    if data.is_heartbeat:
        return
    event = {"type": "progress", "experiment_id": str(experiment_id)}
    live.publish_nowait(experiment_channel(experiment_id), event)
    live.publish_throttled(
        EXPERIMENTS_CHANNEL,
        f"list-progress:{experiment_id}",
        event,
        LIST_PROGRESS_INTERVAL_SECONDS,
    )


def publish_cost(live: LivePublisher, experiment_id: uuid.UUID) -> None:
    """Subscribers reload the experiment: an API cost was added to it."""
    live.publish_nowait(
        experiment_channel(experiment_id),
        {"type": "cost", "experiment_id": str(experiment_id)},
    )
