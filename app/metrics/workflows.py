"""Metric workflows: each owns its transaction and, once it has committed, tells the live
feeds (``docs/architecture.md``, "Operations and workflows")."""

from __future__ import annotations

import uuid
from typing import Protocol

from app.db import Database
from app.events.live import LivePublisher
from app.metrics.batch import MetricBatch
from app.metrics.events import publish_metrics
from app.metrics.service import IngestResult, MetricMirror, ingest_metrics_alone
from app.metrics.stores import MetricStore
from app.models import User


class MetricBacking(Protocol):
    """What these workflows use of the running app (the composition root's ``Services``,
    ``app/services.py``, is one)."""

    db: Database
    live: LivePublisher
    metrics: MetricStore

    @property
    def mirrors(self) -> MetricMirror | None: ...


async def ingest_batch(
    services: MetricBacking,
    *,
    actor: User,
    experiment_id: uuid.UUID,
    batch: MetricBatch,
    batch_id: str | None = None,
) -> IngestResult:
    """A parsed batch written in a transaction of its own, through the installation's
    metric store and mirrors; its points are published after it commits (a retried
    ``batch_id`` writes and publishes nothing)."""
    result = await ingest_metrics_alone(
        services.db,
        actor=actor,
        experiment_id=experiment_id,
        batch=batch,
        batch_id=batch_id,
        mirror=services.mirrors,
        store=services.metrics,
    )
    if not result.duplicate:
        publish_metrics(services.live, experiment_id, batch, result.seq)
    return result
