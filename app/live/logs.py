"""The log feed: lines past ``after`` from the database, then live batches, in order.

Sequence numbers are gapless and handed out in commit order, so the feed knows exactly
what it has covered (``cursor``): a live batch that starts beyond ``cursor + 1`` means
lines it has not seen (another replica's batch still in flight, or a broker gap) — they
are already committed, so the feed reads them from the database first. Lines at or below
the cursor were delivered already and are dropped. Every line arrives once, in order.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from app.errors import SubscriptionLagged
from app.events.broker import GAP, LAGGED
from app.live.feed import LiveBacking, SharedMemo, decode, experiment_channel_of
from app.logs.service import LogLineRow, read_page
from app.models import Experiment, User
from app.models.enums import LogLevel

PAGE = 1000


class LogFeed:
    def __init__(self, levels: Sequence[LogLevel] | None, cursor: int) -> None:
        self.levels = set(levels) if levels else None
        self.cursor = cursor  # every line with seq <= cursor is delivered (or filtered out)

    def wanted(self, row: LogLineRow) -> bool:
        return self.levels is None or row.level in self.levels

    def lagged(self) -> SubscriptionLagged:
        return SubscriptionLagged(
            "the subscriber fell behind; resubscribe with after to resume",
            details={"lastSeq": self.cursor},
        )

    async def catch_up(
        self, services: LiveBacking, experiment_id: uuid.UUID
    ) -> AsyncIterator[list[LogLineRow]]:
        """Stored lines past the cursor, a page at a time (bounded by lines and bytes)."""
        while True:
            async with services.db.reader() as session:
                page = await read_page(
                    session,
                    experiment_id=experiment_id,
                    after=self.cursor,
                    first=PAGE,
                    max_bytes=services.settings.logs_max_page_bytes,
                )
            lines = page.lines
            if not lines:
                return
            self.cursor = lines[-1].seq
            wanted = [row for row in lines if self.wanted(row)]
            if wanted:
                yield wanted
            if not page.has_more:
                return

    def live(self, event: dict[str, Any]) -> tuple[int | None, list[LogLineRow]]:
        """(the first seq if lines were missed before this batch, the new wanted lines)."""
        if event.get("type") != "logs" or not event["lines"]:
            return None, []
        rows = _rows_of(event)
        fresh = [row for row in rows if row.seq > self.cursor]
        if not fresh:
            return None, []
        if fresh[0].seq > self.cursor + 1:
            return fresh[0].seq, fresh
        self.cursor = fresh[-1].seq
        if self.levels is None and len(fresh) == len(rows):
            return None, rows  # the shared list: the same object for every subscriber
        return None, [row for row in fresh if self.wanted(row)]


class SharedLines(list[LogLineRow]):
    """A live batch's lines as every subscriber of it receives them (one object)."""


_rows = SharedMemo()


def _rows_of(event: dict[str, Any]) -> list[LogLineRow]:
    def build() -> list[LogLineRow]:
        return SharedLines(
            LogLineRow(
                seq=line["seq"],
                timestamp=datetime.fromisoformat(line["timestamp"]),
                level=LogLevel(line["level"]),
                message=line["message"],
                source=line["source"],
            )
            for line in event["lines"]
        )

    rows: list[LogLineRow] = _rows.get(event, build)
    return rows


async def current_seq(services: LiveBacking, experiment_id: uuid.UUID) -> int:
    async with services.db.reader() as session:
        seq = await session.scalar(
            select(func.coalesce(Experiment.log_seq, 0)).where(Experiment.id == experiment_id)
        )
    return int(seq or 0)


async def log_feed(
    services: LiveBacking,
    *,
    actor: User,
    experiment_id: uuid.UUID,
    levels: Sequence[LogLevel] | None = None,
    after: int | None = None,
) -> AsyncIterator[list[LogLineRow]]:
    """Batches of lines: the stored ones past ``after``, then every new one. Without
    ``after`` the feed starts live, from the lines stored when it opened."""
    async with experiment_channel_of(services, actor, experiment_id) as subscription:
        start = after if after is not None else await current_seq(services, experiment_id)
        feed = LogFeed(levels, start)
        async for lines in feed.catch_up(services, experiment_id):
            yield lines
        async for message in subscription:
            if message == LAGGED:
                raise feed.lagged()
            if message == GAP:
                async for lines in feed.catch_up(services, experiment_id):
                    yield lines
                continue
            event = decode(message)
            missed_before, lines = feed.live(event) if event else (None, [])
            if missed_before is not None:
                async for missed in feed.catch_up(services, experiment_id):
                    yield missed  # reads through this batch too: it is committed
                continue
            if lines:
                yield lines
