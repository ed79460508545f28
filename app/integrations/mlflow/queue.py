"""MLflow's view of the shared mirror queue (``app.integrations.mirror.queue``): its
metric items decoded as MLflow ``Metric`` objects."""

from __future__ import annotations

from typing import Any

from app.integrations.mirror.queue import ARTIFACT, METRICS, decode_batch, encode_batch

__all__ = ["ARTIFACT", "METRICS", "decode_metrics", "encode_batch"]


def decode_metrics(payload: bytes, start: int, stop: int) -> list[dict[str, Any]]:
    """Points ``start`` to ``stop`` of an encoded batch, as MLflow ``Metric`` objects."""
    columns = decode_batch(payload)
    return [
        {"key": k, "value": v, "timestamp": t, "step": s}
        for k, s, v, t in zip(
            columns.keys[start:stop],
            columns.steps[start:stop],
            columns.values[start:stop],
            columns.epoch_ms[start:stop],
            strict=True,
        )
    ]
