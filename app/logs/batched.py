"""First pages of the logs of many experiments in one statement (for the loaders).

Each experiment's page is its own index walk with its own ``LIMIT`` (a ``UNION ALL`` of
per-experiment subqueries), so a page of 5 lines costs the same however long the logs
are: a window function over all lines would read every line of every experiment.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from app.logs.service import LogLineRow, LogPage, _filtered
from app.models.enums import LogLevel

# Subqueries per statement: SQLite allows 500 terms in one compound SELECT
CHUNK = 400


@dataclass(frozen=True)
class PageRead:
    """``read_page``'s arguments (validated already: see ``check_page_args``)."""

    experiment_id: uuid.UUID
    after: int | None = None
    levels: tuple[LogLevel, ...] | None = None
    search: str | None = None
    first: int = 200


async def read_pages(session: AsyncSession, reads: Sequence[PageRead]) -> list[LogPage]:
    """``read_page`` for every read, in the same order."""
    found: dict[PageRead, list[LogLineRow]] = {read: [] for read in reads}
    unique = list(found)
    for start in range(0, len(unique), CHUNK):
        chunk = unique[start : start + CHUNK]
        parts = []
        for index, read in enumerate(chunk):
            page = _filtered(read.experiment_id, read.after, read.levels, read.search)
            inner = page.limit(read.first + 1).subquery()
            parts.append(select(literal(index).label("i"), *inner.c))
        query = parts[0] if len(parts) == 1 else union_all(*parts)
        for row in await session.execute(query):
            found[chunk[row.i]].append(LogLineRow.from_db(row))
    return [_page(read, found[read]) for read in reads]


def _page(read: PageRead, rows: list[LogLineRow]) -> LogPage:
    rows = sorted(rows, key=lambda row: row.seq)
    lines = rows[: read.first]
    next_after = lines[-1].seq if lines else read.after
    return LogPage(lines=lines, next_after=next_after, has_more=len(rows) > read.first)
