"""Reading an experiment's API cost entries (what ``addApiCost`` recorded): newest first,
keyset-paginated.

Read with the experiment's read permission: ``list_api_costs`` checks it (``NOT_FOUND``
for an experiment the caller may not read); ``read_pages`` serves entries of experiments
already read through the visibility clause (GraphQL's ``Experiment.apiCosts``, batched
per request so a page of experiments costs one statement per distinct page argument
pair, plus one for the counts).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.cursors import KeysetPage, check_time_id_page, encode_cursor, time_id_position
from app.experiments.service import get_experiment
from app.models import User
from app.models.resource import ApiCost

MAX_PAGE = 500
DEFAULT_PAGE = 50


@dataclass(frozen=True)
class ApiCostRead:
    """One page of one experiment's entries: the ``first`` after the cursor ``after``."""

    experiment_id: uuid.UUID
    first: int = DEFAULT_PAGE
    after: str | None = None


ApiCostPage = KeysetPage[ApiCost]


def check_page_args(first: int, after: str | None) -> None:
    check_time_id_page(first, after, MAX_PAGE)


def _after_clause(after: str | None) -> ColumnElement[bool]:
    """Entries after the cursor in (created_at DESC, id DESC) order."""
    if not after:
        return true()
    at = time_id_position(after)
    return or_(
        ApiCost.created_at < at.created_at,
        and_(ApiCost.created_at == at.created_at, ApiCost.id < at.id),
    )


def _cursor(entry: ApiCost) -> str:
    return encode_cursor([entry.created_at.isoformat(), str(entry.id)])


async def _entries(
    session: AsyncSession, ids: Sequence[uuid.UUID], first: int, after: str | None
) -> dict[uuid.UUID, list[ApiCost]]:
    """Up to ``first + 1`` entries after ``after`` of each experiment, in one statement
    (``row_number()`` per experiment)."""
    rank = (
        func.row_number()
        .over(
            partition_by=ApiCost.experiment_id,
            order_by=(ApiCost.created_at.desc(), ApiCost.id.desc()),
        )
        .label("rank")
    )
    ranked = (
        select(ApiCost, rank)
        .where(ApiCost.experiment_id.in_(set(ids)), _after_clause(after))
        .subquery()
    )
    entry = aliased(ApiCost, ranked)
    query = (
        select(entry)
        .where(ranked.c.rank <= first + 1)
        .order_by(ranked.c.experiment_id, ranked.c.rank)
    )
    found: dict[uuid.UUID, list[ApiCost]] = {i: [] for i in ids}
    for row in (await session.scalars(query)).all():
        found[row.experiment_id].append(row)
    return found


async def read_pages(session: AsyncSession, reads: Sequence[ApiCostRead]) -> list[ApiCostPage]:
    """The pages ``reads`` ask for, in their order (the experiments already readable)."""
    for read in reads:
        check_page_args(read.first, read.after)
    ids = list(dict.fromkeys(read.experiment_id for read in reads))
    count_query = (
        select(ApiCost.experiment_id, func.count())
        .where(ApiCost.experiment_id.in_(ids))
        .group_by(ApiCost.experiment_id)
    )
    counts = {row[0]: int(row[1]) for row in (await session.execute(count_query)).all()}
    groups: dict[tuple[int, str | None], list[uuid.UUID]] = {}
    for read in reads:
        groups.setdefault((read.first, read.after), []).append(read.experiment_id)
    entries = {
        args: await _entries(session, list(dict.fromkeys(group)), *args)
        for args, group in groups.items()
    }
    pages = []
    for read in reads:
        rows = entries[(read.first, read.after)][read.experiment_id]
        items = rows[: read.first]
        pages.append(
            ApiCostPage(
                items=items,
                cursors=[_cursor(item) for item in items],
                has_next_page=len(rows) > read.first,
                total_count=counts.get(read.experiment_id, 0),
            )
        )
    return pages


async def list_api_costs(
    session: AsyncSession,
    *,
    actor: User,
    experiment_id: uuid.UUID,
    first: int = DEFAULT_PAGE,
    after: str | None = None,
) -> ApiCostPage:
    """A page of the experiment's API cost entries, newest first; ``NOT_FOUND`` unless
    ``actor`` may read the experiment."""
    check_page_args(first, after)
    await get_experiment(session, actor=actor, experiment_id=experiment_id)
    (page,) = await read_pages(session, [ApiCostRead(experiment_id, first, after)])
    return page
