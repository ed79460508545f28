"""What the request path hands to the MLflow mirror, inside its own transaction.

Nothing here talks to MLflow: a started experiment gets an ``mlflow_runs`` row, an
accepted metric batch and (when ``EXPSVC_MLFLOW_MIRROR_ARTIFACTS`` is on) a stored artifact
get an ``mlflow_queue`` item. They commit or roll back with the change they mirror, so the
mirror never misses a batch we acknowledged and never sends one we refused. The
background job (``app.integrations.mlflow.mirror``) sends them later, in order.
"""

from __future__ import annotations

import uuid
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db import dialect_insert
from app.metrics.batch import MetricBatch
from app.mlflow_terms import metric_value, millis
from app.models import Artifact, Experiment, MlflowQueueItem, MlflowRun
from app.models.base import utcnow

METRICS = "metrics"
ARTIFACT = "artifact"


def encode_batch(batch: MetricBatch) -> bytes:
    """A batch as compact columns: distinct keys, then per point its key's index, step,
    value (non-finite ones as MLflow's strings) and time in milliseconds."""
    index: dict[str, int] = {}
    key_index = [index.setdefault(key, len(index)) for key in batch.keys]
    return orjson.dumps(
        {
            "keys": list(index),
            "k": key_index,
            "s": batch.steps,
            "v": [metric_value(value) for value in batch.values],
            "t": (
                batch.epoch_ms
                if batch.epoch_ms is not None
                else [millis(moment) for moment in batch.timestamps]
            ),
        }
    )


def decode_metrics(payload: bytes, start: int, stop: int) -> list[dict[str, Any]]:
    """Points ``start`` to ``stop`` of an encoded batch, as MLflow ``Metric`` objects."""
    columns = orjson.loads(payload)
    keys = columns["keys"]
    return [
        {"key": keys[k], "value": v, "timestamp": t, "step": s}
        for k, s, v, t in zip(
            columns["k"][start:stop],
            columns["s"][start:stop],
            columns["v"][start:stop],
            columns["t"][start:stop],
            strict=True,
        )
    ]


async def ensure_run_row(session: AsyncSession, experiment_id: uuid.UUID) -> None:
    """The experiment is to be mirrored (idempotent)."""
    statement = dialect_insert(session, MlflowRun.__table__).values(
        experiment_id=experiment_id, points_synced=0, created_at=utcnow()
    )
    await session.execute(statement.on_conflict_do_nothing())


class MlflowQueue:
    """The request path's side of the mirror (a start hook and two sinks)."""

    def __init__(self, settings: Settings) -> None:
        self.mirror_artifacts = settings.mlflow_mirror_artifacts

    async def on_started(self, session: AsyncSession, experiment: Experiment) -> None:
        """Start hook: the run will be opened in MLflow by the mirror."""
        await ensure_run_row(session, experiment.id)

    async def on_metrics(
        self, session: AsyncSession, experiment_id: uuid.UUID, batch: MetricBatch
    ) -> None:
        session.add(
            MlflowQueueItem(
                experiment_id=experiment_id,
                kind=METRICS,
                points=len(batch),
                sent=0,
                payload=encode_batch(batch),
                created_at=utcnow(),
            )
        )

    async def on_artifact(self, session: AsyncSession, artifact: Artifact) -> None:
        if not self.mirror_artifacts:
            return
        session.add(
            MlflowQueueItem(
                experiment_id=artifact.experiment_id,
                kind=ARTIFACT,
                points=0,
                sent=0,
                payload=orjson.dumps({"artifact_id": str(artifact.id)}),
                created_at=utcnow(),
            )
        )
