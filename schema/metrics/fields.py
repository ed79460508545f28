"""The metrics' root fields: ``logMetrics``, ``metricPoints``."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable

import strawberry

from app.live.metrics import metric_feed
from app.metrics.batch import batch_from_points
from app.metrics.workflows import ingest_batch
from app.models.base import utcnow
from app.offload import sized
from schema.context import Info, parse_id
from schema.engine import direct_delivery
from schema.metrics.events import MetricsEvent, metrics_event
from schema.metrics.types import MetricPointInput
from schema.scalars import BigInt


async def _log_metrics(
    info: Info,
    experiment_id: strawberry.ID,
    points: list[MetricPointInput],
    batch_id: str | None,
) -> int:
    actor = await info.context.actor()
    experiment = parse_id(experiment_id, "experiment")
    batch = await sized(
        len(points),
        batch_from_points,
        [(p.key, p.value, int(p.step), p.timestamp) for p in points],
        now=utcnow(),
        limit=info.context.settings.metrics_max_batch_points,
    )
    await info.context.charge_ingest(len(batch))
    result = await ingest_batch(
        info.context.services,
        actor=actor,
        experiment_id=experiment,
        batch=batch,
        batch_id=batch_id,
    )
    return result.accepted


@strawberry.type
class MetricMutations:
    @strawberry.mutation(
        graphql_type=int,
        description="Log metric points; all or nothing; RUNNING only. Returns points accepted. "
        "A retried batchId is a no-op answering the first count.",
    )
    def log_metrics(
        self,
        info: Info,
        experiment_id: strawberry.ID,
        points: list[MetricPointInput],
        batch_id: str | None = None,
    ) -> Awaitable[int]:
        # a plain function returning the work: a large batch's points are converted in a
        # worker thread (schema/engine/threaded_arguments.py)
        return _log_metrics(info, experiment_id, points, batch_id)


@strawberry.type
class MetricSubscriptions:
    @strawberry.subscription(
        description="Metric points: those stored past sinceStep first (if given), then live."
    )
    async def metric_points(
        self,
        info: Info,
        experiment_id: strawberry.ID,
        keys: list[str] | None = None,
        since_step: BigInt | None = None,
    ) -> AsyncGenerator[MetricsEvent, None]:
        actor = await info.context.actor()
        experiment = parse_id(experiment_id, "experiment")
        ident = strawberry.ID(str(experiment))
        direct = direct_delivery(info)
        feed = metric_feed(
            info.context.services,
            actor=actor,
            experiment_id=experiment,
            keys=keys,
            since_step=None if since_step is None else int(since_step),
            in_place=direct.sink(lambda points: metrics_event(ident, points)),
        )
        async for chunk in feed:
            event = metrics_event(ident, chunk)
            if not await direct.send(event):
                yield event
