"""What the request path hands to the mirrors, inside its own transaction.

Nothing here talks to a target: a started experiment gets a ``mirror_runs`` row per
configured target, an accepted metric batch and (when the target mirrors artifacts) a
stored artifact get a ``mirror_queue`` item per target. They commit or roll back with the
change they mirror, so a mirror never misses a batch we acknowledged and never sends one
we refused. Each target's background job sends its items later, in order. (Log lines need
no queue item: ``log_lines`` is already an ordered, durable log, and a mirror that sends
them keeps its place in it, ``mirror_runs.log_seq``.)
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import dialect_insert
from app.metrics.batch import MetricBatch
from app.mlflow_terms import metric_value, millis
from app.models import Artifact, Experiment, MirrorQueueItem, MirrorRun
from app.models.base import utcnow

METRICS = "metrics"
ARTIFACT = "artifact"


@dataclass(frozen=True)
class Columns:
    """A decoded metrics item: per point its key, step, value (non-finite ones as the
    strings "NaN", "Infinity", "-Infinity") and time in milliseconds."""

    keys: list[str]
    steps: list[int]
    values: list[float | str]
    epoch_ms: list[int]

    def __len__(self) -> int:
        return len(self.keys)


def encode_batch(batch: MetricBatch) -> bytes:
    """A batch as compact columns: distinct keys, then per point its key's index, step,
    value and time in milliseconds."""
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


def decode_batch(payload: bytes) -> Columns:
    columns: dict[str, Any] = orjson.loads(payload)
    keys = columns["keys"]
    return Columns(
        keys=[keys[k] for k in columns["k"]],
        steps=columns["s"],
        values=columns["v"],
        epoch_ms=columns["t"],
    )


async def ensure_run_row(session: AsyncSession, target: str, experiment_id: uuid.UUID) -> None:
    """The experiment is to be mirrored to ``target`` (idempotent)."""
    statement = dialect_insert(session, MirrorRun.__table__).values(
        target=target,
        experiment_id=experiment_id,
        points_synced=0,
        log_seq=0,
        created_at=utcnow(),
    )
    await session.execute(statement.on_conflict_do_nothing())


@dataclass(frozen=True)
class Target:
    name: str  # "mlflow" or "wandb"
    mirror_artifacts: bool


class MirrorQueue:
    """The request path's side of every configured mirror: a start hook and two sinks,
    each writing one row per target."""

    def __init__(self, targets: Sequence[Target]) -> None:
        self.targets = list(targets)

    @property
    def names(self) -> list[str]:
        return [target.name for target in self.targets]

    async def on_started(self, session: AsyncSession, experiment: Experiment) -> None:
        """Start hook: the run will be opened by each target's mirror."""
        for target in self.targets:
            await ensure_run_row(session, target.name, experiment.id)

    async def on_metrics(
        self, session: AsyncSession, experiment_id: uuid.UUID, batch: MetricBatch
    ) -> None:
        payload = encode_batch(batch)
        now = utcnow()
        for target in self.targets:
            session.add(
                MirrorQueueItem(
                    target=target.name,
                    experiment_id=experiment_id,
                    kind=METRICS,
                    points=len(batch),
                    sent=0,
                    payload=payload,
                    created_at=now,
                )
            )

    async def on_artifact(self, session: AsyncSession, artifact: Artifact) -> None:
        payload = orjson.dumps({"artifact_id": str(artifact.id)})
        for target in self.targets:
            if target.mirror_artifacts:
                session.add(
                    MirrorQueueItem(
                        target=target.name,
                        experiment_id=artifact.experiment_id,
                        kind=ARTIFACT,
                        points=0,
                        sent=0,
                        payload=payload,
                        created_at=utcnow(),
                    )
                )
