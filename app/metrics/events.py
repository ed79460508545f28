"""The live event an accepted metric batch becomes (published after commit)."""

from __future__ import annotations

import uuid
from typing import Any

from app.events.live import LivePublisher
from app.events.names import experiment_channel
from app.metrics.batch import MetricBatch
from app.metrics.history import raw_json_value


def publish_metrics(
    live: LivePublisher, experiment_id: uuid.UUID, batch: MetricBatch, seq: int
) -> None:
    event: dict[str, Any] = {
        "type": "metrics",
        "experiment_id": str(experiment_id),
        "seq": seq,
        "keys": batch.keys,
        "steps": batch.steps,
        "values": [raw_json_value(value) for value in batch.values],
        "timestamps": batch.timestamps,  # orjson writes datetimes as ISO-8601 itself
    }
    live.publish_nowait(experiment_channel(experiment_id), event)
