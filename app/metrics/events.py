"""The live event an accepted metric batch becomes (published after commit).

Times travel as epoch milliseconds (``epoch_ms``) when the batch came with them, else as
ISO-8601 strings (``timestamps``); values as numbers, with NaN and ±Infinity as their REST
strings. Both are cheap to write here and to read back in ``app.live.metrics``.
"""

from __future__ import annotations

import uuid
from typing import Any

from app.events.live import LivePublisher
from app.events.names import experiment_channel
from app.floats import all_finite, spelled
from app.metrics.batch import MetricBatch


def json_values(values: list[float]) -> list[Any]:
    """The values as JSON can hold them: the list itself when all are finite."""
    if all_finite(values):
        return values
    return [spelled(value) for value in values]


def metrics_event(experiment_id: uuid.UUID, batch: MetricBatch, seq: int) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "metrics",
        "experiment_id": str(experiment_id),
        "seq": seq,
        "keys": batch.keys,
        "steps": batch.steps,
        "values": json_values(batch.values),
    }
    if batch.epoch_ms is not None:
        event["epoch_ms"] = batch.epoch_ms
    else:
        event["timestamps"] = batch.timestamps  # orjson writes datetimes as ISO-8601 itself
    return event


def publish_metrics(
    live: LivePublisher, experiment_id: uuid.UUID, batch: MetricBatch, seq: int
) -> None:
    live.publish_nowait(experiment_channel(experiment_id), metrics_event(experiment_id, batch, seq))
