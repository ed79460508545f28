"""Live events about an experiment's state (published after commit, never awaited)."""

from __future__ import annotations

import uuid

from app.events.live import LivePublisher
from app.events.names import experiment_channel


def publish_progress(live: LivePublisher, experiment_id: uuid.UUID) -> None:
    """Subscribers reload the experiment: the event only says that progress moved."""
    live.publish_nowait(
        experiment_channel(experiment_id),
        {"type": "progress", "experiment_id": str(experiment_id)},
    )


def publish_cost(live: LivePublisher, experiment_id: uuid.UUID) -> None:
    """Subscribers reload the experiment: an API cost was added to it."""
    live.publish_nowait(
        experiment_channel(experiment_id),
        {"type": "cost", "experiment_id": str(experiment_id)},
    )
