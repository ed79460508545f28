"""Two changes of one hypothesis' observers at once both succeed, one after the other."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from app.hypotheses.schemas import HypothesisUpdate
from app.hypotheses.service import update_hypothesis
from app.models import hypothesis_observers
from app.models.enums import Role
from tests.builders import create_hypothesis


async def test_two_owners_changing_observers_at_once_both_succeed(services, make_user):
    """The second change runs while the first's new observer rows are uncommitted: it
    waits for the hypothesis row (locked by the first) and then sees them. Without the
    lock it inserted the same observer again and failed on the key (PostgreSQL)."""
    owner, _ = await make_user(Role.DS)
    new, _ = await make_user(Role.DS)
    row = await create_hypothesis(services, owner)
    first_written = asyncio.Event()

    async def change(wait: bool) -> None:
        if wait:
            await first_written.wait()
        async with services.db.unit_of_work() as session:
            await update_hypothesis(
                session,
                actor=owner,
                hypothesis_id=row.id,
                data=HypothesisUpdate(observer_ids=[new.id]),
            )
            if not wait:
                first_written.set()
                await asyncio.sleep(0.5)  # uncommitted while the second one writes

    await asyncio.gather(change(False), change(True))
    async with services.db.reader() as session:
        observers = (
            await session.scalars(
                select(hypothesis_observers.c.user_id).where(
                    hypothesis_observers.c.hypothesis_id == row.id
                )
            )
        ).all()
    assert list(observers) == [new.id]
