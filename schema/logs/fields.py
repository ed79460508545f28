"""The logs' root fields: ``logMessages`` (a plain function attached with
``strawberry.mutation(resolver=log_messages)``), ``logLines``."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable

import strawberry

from app.live.logs import log_feed
from app.logs.schemas import parse_lines
from app.logs.workflows import ingest_lines
from app.models.base import utcnow
from app.models.enums import LogLevel
from app.offload import sized
from schema.context import Info, parse_id
from schema.engine import direct_delivery
from schema.logs.events import LogsEvent, logs_event
from schema.logs.types import LogLineInput


def log_messages(
    info: Info,
    experiment_id: strawberry.ID,
    lines: list[LogLineInput],
    batch_id: str | None = None,
) -> Awaitable[int]:
    """Append lines to a RUNNING experiment: all or nothing; returns the lines accepted.

    A plain function returning the work: a large batch's lines are converted in a worker
    thread (``schema/engine/threaded_arguments.py``)."""
    return _append_lines(info, experiment_id, lines, batch_id)


async def _append_lines(
    info: Info, experiment_id: strawberry.ID, lines: list[LogLineInput], batch_id: str | None
) -> int:
    actor = await info.context.actor()
    experiment = parse_id(experiment_id, "experiment")
    data = await sized(
        len(lines),
        parse_lines,
        [
            {
                "level": line.level,
                "message": line.message,
                "timestamp": line.timestamp,
                "source": line.source,
            }
            for line in lines
        ],
        now=utcnow(),
        limit=info.context.settings.logs_max_batch_lines,
    )
    await info.context.charge_ingest(len(lines))
    result = await ingest_lines(
        info.context.services, actor=actor, experiment_id=experiment, lines=data, batch_id=batch_id
    )
    return result.accepted


LOG_MESSAGES_DESCRIPTION = (
    "Append log lines to a RUNNING experiment; all or nothing. Returns the lines accepted. "
    "A message over 64 KiB is cut and marked, never refused. A retried batchId is a no-op "
    "answering the first count."
)


@strawberry.type
class LogMutations:
    log_messages: int = strawberry.mutation(
        resolver=log_messages, graphql_type=int, description=LOG_MESSAGES_DESCRIPTION
    )


@strawberry.type
class LogSubscriptions:
    @strawberry.subscription(
        description="Log lines: those stored past `after` first (if given), then live."
    )
    async def log_lines(
        self,
        info: Info,
        experiment_id: strawberry.ID,
        levels: list[LogLevel] | None = None,
        after: int | None = None,
    ) -> AsyncGenerator[LogsEvent, None]:
        actor = await info.context.actor()
        experiment = parse_id(experiment_id, "experiment")
        feed = log_feed(
            info.context.services,
            actor=actor,
            experiment_id=experiment,
            levels=levels,
            after=after,
        )
        ident = strawberry.ID(str(experiment))
        direct = direct_delivery(info)
        async for lines in feed:
            event = logs_event(ident, lines)
            if not await direct.send(event):
                yield event
