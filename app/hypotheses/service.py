"""Hypotheses: the research question each experiment tests (owner, team lead, observers)."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import orjson
from sqlalchemy import ColumnElement, and_, delete, func, insert, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import hypothesis_visible, may_edit_hypothesis
from app.errors import Forbidden, NotFound, ValidationFailed
from app.hypotheses.schemas import HypothesisUpdate
from app.models import Hypothesis, User, hypothesis_observers
from app.validation import like_pattern, name_problem

MAX_OBSERVERS = 200
MAX_PAGE = 500


async def _checked(
    session: AsyncSession,
    *,
    title: str | None,
    team_lead_id: uuid.UUID | None,
    observer_ids: Sequence[uuid.UUID] | None,
) -> tuple[str, list[uuid.UUID]]:
    """The trimmed title and the observers without repeats, or ``VALIDATION_FAILED``
    naming each bad field; the lead and the observers must be existing users."""
    errors: dict[str, str] = {}
    if title is None:
        errors["title"] = "may not be null"
    elif not 1 <= len(title.strip()) <= 500:
        errors["title"] = "must be 1-500 characters"
    elif problem := name_problem(title):
        errors["title"] = problem
    observers = list(dict.fromkeys(observer_ids or ()))
    if observer_ids is None:
        errors["observerIds"] = "may not be null"
    elif len(observers) > MAX_OBSERVERS:
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
    assert title is not None
    return title.strip(), observers


async def create_hypothesis(
    session: AsyncSession,
    *,
    actor: User,
    title: str,
    team_lead_id: uuid.UUID | None = None,
    observer_ids: Sequence[uuid.UUID] = (),
) -> Hypothesis:
    """The caller owns the new hypothesis; the lead and observers must be existing users."""
    clean_title, observers = await _checked(
        session, title=title, team_lead_id=team_lead_id, observer_ids=observer_ids
    )
    hypothesis = Hypothesis(
        id=uuid.uuid4(), title=clean_title, owner_id=actor.id, team_lead_id=team_lead_id
    )
    session.add(hypothesis)
    await session.flush()
    if observers:
        await session.execute(
            insert(hypothesis_observers),
            [{"hypothesis_id": hypothesis.id, "user_id": uid} for uid in observers],
        )
    return hypothesis


async def update_hypothesis(
    session: AsyncSession, *, actor: User, hypothesis_id: uuid.UUID, data: HypothesisUpdate
) -> Hypothesis:
    """Change the title, the lead or the observers (only the fields sent).

    ``NOT_FOUND`` if the caller cannot see it, ``FORBIDDEN`` if it may not change it. The
    hypothesis row is locked first, so concurrent changes of its observers queue up
    instead of colliding on the observer rows.
    """
    query = (
        select(Hypothesis)
        .where(Hypothesis.id == hypothesis_id, hypothesis_visible(actor))
        .with_for_update(of=Hypothesis)
        .execution_options(populate_existing=True)
    )
    hypothesis = (await session.scalars(query)).one_or_none()
    if hypothesis is None:
        raise NotFound("hypothesis", hypothesis_id)
    if not may_edit_hypothesis(actor, hypothesis):
        raise Forbidden(f"{actor.role.value} may not change hypothesis {hypothesis_id}")
    sent = data.model_fields_set
    current = set(
        (
            await session.scalars(
                select(hypothesis_observers.c.user_id).where(
                    hypothesis_observers.c.hypothesis_id == hypothesis_id
                )
            )
        ).all()
    )
    title, observers = await _checked(
        session,
        title=data.title if "title" in sent else hypothesis.title,
        team_lead_id=data.team_lead_id if "team_lead_id" in sent else hypothesis.team_lead_id,
        observer_ids=data.observer_ids if "observer_ids" in sent else list(current),
    )
    hypothesis.title = title
    hypothesis.team_lead_id = (
        data.team_lead_id if "team_lead_id" in sent else hypothesis.team_lead_id
    )
    gone = current - set(observers)
    if gone:
        await session.execute(
            delete(hypothesis_observers).where(
                hypothesis_observers.c.hypothesis_id == hypothesis_id,
                hypothesis_observers.c.user_id.in_(gone),
            )
        )
    added = [uid for uid in observers if uid not in current]
    if added:
        await session.execute(
            insert(hypothesis_observers),
            [{"hypothesis_id": hypothesis_id, "user_id": uid} for uid in added],
        )
    await session.flush()
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


@dataclass(frozen=True)
class HypothesisFilter:
    owner_id: uuid.UUID | None = None
    team_lead_id: uuid.UUID | None = None
    search: str | None = None  # text in the title, any case


@dataclass(frozen=True)
class HypothesisPage:
    items: list[Hypothesis]
    has_next_page: bool
    end_cursor: str | None
    total_count: int


def _filter_clause(data: HypothesisFilter) -> ColumnElement[bool]:
    clauses: list[ColumnElement[bool]] = []
    if data.owner_id is not None:
        clauses.append(Hypothesis.owner_id == data.owner_id)
    if data.team_lead_id is not None:
        clauses.append(Hypothesis.team_lead_id == data.team_lead_id)
    if data.search and data.search.strip():
        clauses.append(Hypothesis.title.ilike(like_pattern(data.search.strip()), escape="\\"))
    return and_(true(), *clauses)


def _encode_cursor(row: Hypothesis) -> str:
    raw = orjson.dumps([row.created_at.isoformat(), str(row.id)])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _after_clause(text: str) -> ColumnElement[bool]:
    """Rows after the cursor in (created_at DESC, id DESC) order."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        created, ident = orjson.loads(raw)
        created_at = datetime.fromisoformat(created)
        row_id = uuid.UUID(ident)
        if created_at.tzinfo is None:
            raise ValueError("naive time in cursor")
    except (ValueError, TypeError) as exc:
        raise ValidationFailed({"after": "invalid cursor"}) from exc
    return or_(
        Hypothesis.created_at < created_at,
        and_(Hypothesis.created_at == created_at, Hypothesis.id < row_id),
    )


async def page_hypotheses(
    session: AsyncSession,
    *,
    actor: User,
    filter: HypothesisFilter | None = None,
    first: int = 50,
    after: str | None = None,
) -> HypothesisPage:
    """Visible hypotheses, newest first, keyset-paginated like the experiment list."""
    if not 0 <= first <= MAX_PAGE:
        raise ValidationFailed({"first": f"must be 0-{MAX_PAGE}"})
    where = and_(hypothesis_visible(actor), _filter_clause(filter or HypothesisFilter()))
    query = select(Hypothesis).where(where)
    if after:
        query = query.where(_after_clause(after))
    query = query.order_by(Hypothesis.created_at.desc(), Hypothesis.id.desc())
    rows = list((await session.scalars(query.limit(first + 1))).all())
    total = int(
        await session.scalar(select(func.count()).select_from(Hypothesis).where(where)) or 0
    )
    items = rows[:first]
    end_cursor = _encode_cursor(items[-1]) if items else None
    return HypothesisPage(items, len(rows) > first, end_cursor, total)


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
