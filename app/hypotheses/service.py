"""Hypotheses: the research question each experiment tests (owner, team lead, observers)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import hypothesis_visible
from app.errors import NotFound, ValidationFailed
from app.models import Hypothesis, User, hypothesis_observers
from app.validation import name_problem

MAX_OBSERVERS = 200


async def create_hypothesis(
    session: AsyncSession,
    *,
    actor: User,
    title: str,
    team_lead_id: uuid.UUID | None = None,
    observer_ids: Sequence[uuid.UUID] = (),
) -> Hypothesis:
    """The caller owns the new hypothesis; the lead and observers must be existing users."""
    errors: dict[str, str] = {}
    if not 1 <= len(title.strip()) <= 500:
        errors["title"] = "must be 1-500 characters"
    elif problem := name_problem(title):
        errors["title"] = problem
    observers = list(dict.fromkeys(observer_ids))
    if len(observers) > MAX_OBSERVERS:
        errors["observerIds"] = f"at most {MAX_OBSERVERS} observers"
    wanted = set(observers) | ({team_lead_id} if team_lead_id else set())
    found = set((await session.scalars(select(User.id).where(User.id.in_(wanted)))).all())
    if team_lead_id is not None and team_lead_id not in found:
        errors["teamLeadId"] = "no such user"
    missing = [str(i) for i in observers if i not in found]
    if missing:
        errors["observerIds"] = "no such user: " + ", ".join(missing)
    if errors:
        raise ValidationFailed(errors)
    hypothesis = Hypothesis(
        id=uuid.uuid4(), title=title.strip(), owner_id=actor.id, team_lead_id=team_lead_id
    )
    session.add(hypothesis)
    await session.flush()
    if observers:
        await session.execute(
            insert(hypothesis_observers),
            [{"hypothesis_id": hypothesis.id, "user_id": uid} for uid in observers],
        )
    return hypothesis


async def get_visible_hypothesis(
    session: AsyncSession, *, actor: User, hypothesis_id: uuid.UUID
) -> Hypothesis:
    query = select(Hypothesis).where(Hypothesis.id == hypothesis_id, hypothesis_visible(actor))
    hypothesis = (await session.scalars(query)).one_or_none()
    if hypothesis is None:
        raise NotFound("hypothesis", hypothesis_id)
    return hypothesis


async def list_hypotheses(session: AsyncSession, *, actor: User, first: int) -> list[Hypothesis]:
    query = (
        select(Hypothesis)
        .where(hypothesis_visible(actor))
        .order_by(Hypothesis.created_at.desc(), Hypothesis.id.desc())
        .limit(max(0, min(first, 500)))
    )
    return list((await session.scalars(query)).all())


async def hypotheses_by_ids(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Hypothesis]:
    rows = (await session.scalars(select(Hypothesis).where(Hypothesis.id.in_(set(ids))))).all()
    return {h.id: h for h in rows}


async def observers_by_hypothesis(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[User]]:
    query = (
        select(hypothesis_observers.c.hypothesis_id, User)
        .join(User, User.id == hypothesis_observers.c.user_id)
        .where(hypothesis_observers.c.hypothesis_id.in_(set(ids)))
        .order_by(User.name, User.id)
    )
    result: dict[uuid.UUID, list[User]] = {i: [] for i in ids}
    for hypothesis_id, user in (await session.execute(query)).all():
        result[hypothesis_id].append(user)
    return result
