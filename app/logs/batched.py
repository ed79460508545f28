"""First pages of the logs of many experiments in one statement (for the loaders).

Each experiment's page is its own index walk with its own ``LIMIT`` (a ``UNION ALL`` of
per-experiment subqueries), so a page of 5 lines costs the same however long the logs
are: a window function over all lines would read every line of every experiment.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from app.logs.service import DEFAULT_PAGE_BYTES, LogPage, _filtered, bounded_page, page_of
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
    max_bytes: int = DEFAULT_PAGE_BYTES


async def read_pages(session: AsyncSession, reads: Sequence[PageRead]) -> list[LogPage]:
    """``read_page`` for every read, in the same order."""
    found: dict[PageRead, list[Any]] = {read: [] for read in reads}
    unique = list(found)
    for start in range(0, len(unique), CHUNK):
        chunk = unique[start : start + CHUNK]
        parts = []
        for index, read in enumerate(chunk):
            page = _filtered(read.experiment_id, read.after, read.levels, read.search)
            inner = bounded_page(page, read.first, read.max_bytes).subquery()
            parts.append(select(literal(index).label("i"), *inner.c))
        query = parts[0] if len(parts) == 1 else union_all(*parts)
        for row in await session.execute(query):
            found[chunk[row.i]].append(row)
    return [
        page_of(
            sorted(found[read], key=lambda row: row.seq),
            after=read.after,
            first=read.first,
            max_bytes=read.max_bytes,
        )
        for read in reads
    ]
