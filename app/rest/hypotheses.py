"""Hypothesis routes: create, read, list, change — what GraphQL's ``createHypothesis``,
``hypothesis``, ``hypotheses`` and ``updateHypothesis`` offer, over
``app.hypotheses.service``.

A hypothesis' experiments are ``GET /experiments?hypothesis_id=…``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import Forbidden
from app.hypotheses import service as hypotheses
from app.hypotheses.schemas import HypothesisUpdate
from app.models import Hypothesis
from app.rest.body import QueryModel
from app.rest.endpoints import Call, Endpoint
from app.rest.schemas import Out, PageInfoOut
from app.rest.serializers import iso


class HypothesisCreateBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(description="1-500 characters")
    team_lead_id: uuid.UUID | None = None
    observer_ids: list[uuid.UUID] = Field(
        default_factory=list, description="Users who follow it (at most 200)"
    )


class HypothesisOut(Out):
    id: uuid.UUID
    title: str
    owner_id: uuid.UUID
    team_lead_id: uuid.UUID | None
    observer_ids: list[uuid.UUID]
    created_at: datetime


class HypothesisPageOut(Out):
    items: list[HypothesisOut]
    page_info: PageInfoOut
    total_count: int


class HypothesisListQuery(QueryModel):
    owner_id: uuid.UUID | None = None
    team_lead_id: uuid.UUID | None = None
    search: str | None = Field(default=None, description="Text in the title")
    first: int = Field(default=50, description="Page size, 0-500")
    after: str | None = Field(default=None, description="`page_info.end_cursor` of a page")


def hypothesis_json(row: Hypothesis, observer_ids: Sequence[uuid.UUID]) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "title": row.title,
        "owner_id": str(row.owner_id),
        "team_lead_id": None if row.team_lead_id is None else str(row.team_lead_id),
        "observer_ids": [str(i) for i in observer_ids],
        "created_at": iso(row.created_at),
    }


async def _json_of(session: AsyncSession, rows: Sequence[Hypothesis]) -> list[dict[str, Any]]:
    """Rows as JSON, the observers of all of them read in one statement."""
    observers = await hypotheses.observers_by_hypothesis(session, [row.id for row in rows])
    return [hypothesis_json(row, [user.id for user in observers[row.id]]) for row in rows]


async def create_hypothesis(call: Call) -> Any:
    data = call.body_as(HypothesisCreateBody)
    async with call.services.db.unit_of_work() as session:
        row = await hypotheses.create_hypothesis(
            session,
            actor=call.actor,
            title=data.title,
            team_lead_id=data.team_lead_id,
            observer_ids=data.observer_ids,
        )
        return (await _json_of(session, [row]))[0]


async def update_hypothesis(call: Call) -> Any:
    data = call.body_as(HypothesisUpdate)
    async with call.services.db.unit_of_work() as session:
        row = await hypotheses.update_hypothesis(
            session, actor=call.actor, hypothesis_id=call.path_id(what="hypothesis"), data=data
        )
        return (await _json_of(session, [row]))[0]


async def get_hypothesis(call: Call) -> Any:
    async with call.services.db.reader() as session:
        row = await hypotheses.get_visible_hypothesis(
            session, actor=call.actor, hypothesis_id=call.path_id(what="hypothesis")
        )
        return (await _json_of(session, [row]))[0]


async def list_hypotheses(call: Call) -> Any:
    query = call.query_as(HypothesisListQuery)
    wanted = hypotheses.HypothesisFilter(
        owner_id=query.owner_id, team_lead_id=query.team_lead_id, search=query.search
    )
    async with call.services.db.reader() as session:
        page = await hypotheses.page_hypotheses(
            session, actor=call.actor, filter=wanted, first=query.first, after=query.after
        )
        items = await _json_of(session, page.items)
    return {
        "items": items,
        "page_info": {"has_next_page": page.has_next_page, "end_cursor": page.end_cursor},
        "total_count": page.total_count,
    }


_TAGS = ("hypotheses",)

ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "POST",
        "/hypotheses",
        create_hypothesis,
        "Create a hypothesis owned by the caller",
        request_model=HypothesisCreateBody,
        response_model=HypothesisOut,
        status_code=201,
        tags=_TAGS,
        response_description="The new hypothesis",
        description="The team lead and the observers must be existing users.",
    ),
    Endpoint(
        "GET",
        "/hypotheses",
        list_hypotheses,
        "Hypotheses the caller may read (owns, leads or observes; all for CURATOR and "
        "ADMIN), newest first, keyset-paginated",
        query_model=HypothesisListQuery,
        response_model=HypothesisPageOut,
        tags=_TAGS,
    ),
    Endpoint(
        "GET",
        "/hypotheses/{id}",
        get_hypothesis,
        "One hypothesis; its experiments are GET /experiments?hypothesis_id=",
        response_model=HypothesisOut,
        tags=_TAGS,
    ),
    Endpoint(
        "PATCH",
        "/hypotheses/{id}",
        update_hypothesis,
        "Change the title, the team lead or the observers; only the fields sent change",
        request_model=HypothesisUpdate,
        response_model=HypothesisOut,
        tags=_TAGS,
        errors=(Forbidden,),
        description="Its owner, a CURATOR or an ADMIN may. `team_lead_id: null` removes the "
        "lead; `observer_ids` replaces the observers (who then see its experiments).",
    ),
]
