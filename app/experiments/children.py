"""A nested run's children: the experiments whose ``parent_id`` names it, those the
caller may read, oldest first (``created_at``, then ``id``), keyset-paginated.

``read_pages`` serves the children of many parents at once (GraphQL's
``Experiment.children``, batched per request): a page of parents costs one statement for
the counts plus one per distinct page argument pair, whatever the number of parents.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.access import experiment_visible
from app.cursors import KeysetPage, check_time_id_page, encode_cursor, time_id_position
from app.models import Experiment, User

MAX_PAGE = 500
DEFAULT_PAGE = 50


@dataclass(frozen=True)
class ChildrenRead:
    """One page of one parent's children: the ``first`` after the cursor ``after``."""

    parent_id: uuid.UUID
    first: int = DEFAULT_PAGE
    after: str | None = None


ChildrenPage = KeysetPage[Experiment]


def check_page_args(first: int, after: str | None) -> None:
    check_time_id_page(first, after, MAX_PAGE)


def _after_clause(after: str | None) -> ColumnElement[bool]:
    """Children after the cursor in (created_at, id) order."""
    if not after:
        return true()
    at = time_id_position(after)
    return or_(
        Experiment.created_at > at.created_at,
        and_(Experiment.created_at == at.created_at, Experiment.id > at.id),
    )


def _cursor(child: Experiment) -> str:
    return encode_cursor([child.created_at.isoformat(), str(child.id)])


async def _children(
    session: AsyncSession,
    actor: User,
    parent_ids: Sequence[uuid.UUID],
    first: int,
    after: str | None,
) -> dict[uuid.UUID, list[Experiment]]:
    """Up to ``first + 1`` readable children after ``after`` of each parent, in one
    statement (``row_number()`` per parent)."""
    rank = (
        func.row_number()
        .over(
            partition_by=Experiment.parent_id,
            order_by=(Experiment.created_at.asc(), Experiment.id.asc()),
        )
        .label("rank")
    )
    ranked = (
        select(Experiment, rank)
        .where(
            Experiment.parent_id.in_(set(parent_ids)),
            experiment_visible(actor),
            _after_clause(after),
        )
        .subquery()
    )
    child = aliased(Experiment, ranked)
    query = (
        select(child).where(ranked.c.rank <= first + 1).order_by(ranked.c.parent_id, ranked.c.rank)
    )
    found: dict[uuid.UUID, list[Experiment]] = {i: [] for i in parent_ids}
    for row in (await session.scalars(query)).all():
        if row.parent_id is not None:
            found[row.parent_id].append(row)
    return found


async def read_pages(
    session: AsyncSession, *, actor: User, reads: Sequence[ChildrenRead]
) -> list[ChildrenPage]:
    """The pages ``reads`` ask for, in their order, of the children ``actor`` may read
    (whether ``actor`` may read the parents is the caller's business)."""
    for read in reads:
        check_page_args(read.first, read.after)
    ids = list(dict.fromkeys(read.parent_id for read in reads))
    if not ids:
        return []
    count_query = (
        select(Experiment.parent_id, func.count())
        .where(Experiment.parent_id.in_(ids), experiment_visible(actor))
        .group_by(Experiment.parent_id)
    )
    counts = {row[0]: int(row[1]) for row in (await session.execute(count_query)).all()}
    groups: dict[tuple[int, str | None], list[uuid.UUID]] = {}
    for read in reads:
        groups.setdefault((read.first, read.after), []).append(read.parent_id)
    children = {
        args: await _children(session, actor, list(dict.fromkeys(group)), *args)
        for args, group in groups.items()
    }
    pages = []
    for read in reads:
        rows = children[(read.first, read.after)][read.parent_id]
        items = rows[: read.first]
        pages.append(
            ChildrenPage(
                items=items,
                cursors=[_cursor(item) for item in items],
                has_next_page=len(rows) > read.first,
                total_count=counts.get(read.parent_id, 0),
            )
        )
    return pages
