"""Metric workflows: each owns its transaction and, once it has committed, tells the live
feeds (``docs/architecture.md``, "Operations and workflows")."""

from __future__ import annotations

import uuid

from app.metrics.batch import MetricBatch
from app.metrics.events import publish_metrics
from app.metrics.service import IngestResult, ingest_metrics_alone
from app.models import User
from app.services import Services


async def ingest_batch(
    services: Services,
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
