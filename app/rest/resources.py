"""Routes for an experiment's resources: extend its reservation, record an API cost,
list the API costs recorded.

The REST side of GraphQL's ``extendReservation``, ``addApiCost`` and
``Experiment.apiCosts``: the same use cases (``app.resources.actions``,
``app.resources.api_costs``); the writes answer with the experiment.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.errors import Forbidden, InvalidTransition
from app.resources import actions, api_costs, workflows
from app.rest.body import QueryModel
from app.rest.endpoints import Call, Endpoint
from app.rest.experiments import answer_after, experiment_answer
from app.rest.schemas import ExperimentOut, Out, PageInfoOut
from app.rest.serializers import iso


class ApiCostBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: float = Field(description="In the cost currency; > 0")
    description: str = Field(description="What it paid for (1-500 characters)")


class ApiCostListQuery(QueryModel):
    first: int = Field(
        default=api_costs.DEFAULT_PAGE,
        description=f"Page size, 0-{api_costs.MAX_PAGE}",
        json_schema_extra={"minimum": 0, "maximum": api_costs.MAX_PAGE},
    )
    after: str | None = Field(default=None, description="`page_info.end_cursor` of a page")


class ApiCostOut(Out):
    id: uuid.UUID
    amount: float
    description: str
    created_at: datetime
    added_by_id: uuid.UUID = Field(description="The user who recorded it")


class ApiCostPageOut(Out):
    items: list[ApiCostOut]
    page_info: PageInfoOut
    total_count: int


class ExtendReservationBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    minutes: int = Field(description="How much later the reservation ends")


async def add_api_cost(call: Call) -> Any:
    data = call.body_as(ApiCostBody)
    row = await workflows.add_api_cost(
        call.services,
        actor=call.actor,
        experiment_id=call.path_id(),
        amount=data.amount,
        description=data.description,
    )
    return await answer_after(call, row)


async def list_api_costs(call: Call) -> Any:
    query = call.query_as(ApiCostListQuery)
    async with call.services.db.reader() as session:
        page = await api_costs.list_api_costs(
            session,
            actor=call.actor,
            experiment_id=call.path_id(),
            first=query.first,
            after=query.after,
        )
    return {
        "items": [
            {
                "id": str(entry.id),
                "amount": entry.amount,
                "description": entry.description,
                "created_at": iso(entry.created_at),
                "added_by_id": str(entry.created_by),
            }
            for entry in page.items
        ],
        "page_info": {"has_next_page": page.has_next_page, "end_cursor": page.end_cursor},
        "total_count": page.total_count,
    }


async def extend_reservation(call: Call) -> Any:
    data = call.body_as(ExtendReservationBody)
    async with call.services.db.unit_of_work() as session:
        row = await actions.extend_reservation(
            session,
            actor=call.actor,
            experiment_id=call.path_id(),
            minutes=data.minutes,
            settings=call.settings,
        )
        return await experiment_answer(session, call, row)


ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "POST",
        "/experiments/{id}/api-costs",
        add_api_cost,
        "Record an API cost (LLM calls and the like); any status",
        request_model=ApiCostBody,
        response_model=ExperimentOut,
        errors=(Forbidden,),
        description="Adds to `cost.api` (and `cost.total`) of the experiment it answers.",
    ),
    Endpoint(
        "GET",
        "/experiments/{id}/api-costs",
        list_api_costs,
        "The API costs recorded against the experiment, newest first, keyset-paginated",
        query_model=ApiCostListQuery,
        response_model=ApiCostPageOut,
        description="Readable by whoever may read the experiment; their sum is `cost.api`.",
    ),
    Endpoint(
        "POST",
        "/experiments/{id}/reservation/extend",
        extend_reservation,
        "Push a RUNNING experiment's reservation back (up to the maximum duration)",
        request_model=ExtendReservationBody,
        response_model=ExperimentOut,
        errors=(Forbidden, InvalidTransition),
        description="`reservation.expires_at` moves `minutes` later (from now if it already "
        "passed); the whole reservation lasts at most `EXPSVC_MAX_DURATION_MINUTES`. "
        "INVALID_TRANSITION when the experiment is not RUNNING or holds no GPUs.",
    ),
]
