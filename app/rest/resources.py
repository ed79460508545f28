"""Routes for an experiment's resources: extend its reservation, record an API cost.

The REST side of GraphQL's ``extendReservation`` and ``addApiCost``: the same use cases
(``app.resources.actions``), the experiment as the answer.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.errors import Forbidden, InvalidTransition
from app.resources import actions
from app.rest.endpoints import Call, Endpoint
from app.rest.experiments import experiment_answer
from app.rest.schemas import ExperimentOut


class ApiCostBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: float = Field(description="In the cost currency; > 0")
    description: str = Field(description="What it paid for (1-500 characters)")


class ExtendReservationBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    minutes: int = Field(description="How much later the reservation ends")


async def add_api_cost(call: Call) -> Any:
    data = call.body_as(ApiCostBody)
    async with call.services.db.unit_of_work() as session:
        row = await actions.add_api_cost(
            session,
            actor=call.actor,
            experiment_id=call.path_id(),
            amount=data.amount,
            description=data.description,
        )
        return await experiment_answer(session, call, row)


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
