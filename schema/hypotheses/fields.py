"""The hypotheses' root fields."""

from __future__ import annotations

import uuid

import strawberry

from app.errors import ValidationFailed
from app.hypotheses import service as hypotheses
from app.hypotheses.schemas import HypothesisUpdate
from schema.context import Info, parse_id
from schema.hypotheses.inputs import CreateHypothesisInput, UpdateHypothesisInput
from schema.hypotheses.types import Hypothesis
from schema.inputs import to_model


def _user_id(value: strawberry.ID, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ValidationFailed({field: "not a valid ID"}) from None


@strawberry.type
class HypothesisQueries:
    @strawberry.field
    async def hypothesis(self, info: Info, id: strawberry.ID) -> Hypothesis | None:
        actor = await info.context.actor()
        async with info.context.reader() as session:
            row = await hypotheses.get_visible_hypothesis(
                session, actor=actor, hypothesis_id=parse_id(id, "hypothesis")
            )
        return Hypothesis.from_row(row)

    @strawberry.field
    async def hypotheses(self, info: Info, first: int | None = 50) -> list[Hypothesis]:
        actor = await info.context.actor()
        async with info.context.reader() as session:
            rows = await hypotheses.list_hypotheses(
                session, actor=actor, first=50 if first is None else first
            )
        return [Hypothesis.from_row(row) for row in rows]


@strawberry.type
class HypothesisMutations:
    @strawberry.mutation(description="A new hypothesis owned by the caller.")
    async def create_hypothesis(self, info: Info, input: CreateHypothesisInput) -> Hypothesis:
        actor = await info.context.actor()
        lead = None if input.team_lead_id is None else _user_id(input.team_lead_id, "teamLeadId")
        observers = [
            _user_id(value, f"observerIds.{index}")
            for index, value in enumerate(input.observer_ids or [])
        ]
        async with info.context.transaction() as session:
            row = await hypotheses.create_hypothesis(
                session, actor=actor, title=input.title, team_lead_id=lead, observer_ids=observers
            )
        return Hypothesis.from_row(row)

    @strawberry.mutation(
        description="Change a hypothesis' title, team lead or observers (observerIds replaces "
        "them): its owner, a CURATOR or an ADMIN."
    )
    async def update_hypothesis(
        self, info: Info, id: strawberry.ID, input: UpdateHypothesisInput
    ) -> Hypothesis:
        actor = await info.context.actor()
        data = to_model(HypothesisUpdate, input, prefix="")
        async with info.context.transaction() as session:
            row = await hypotheses.update_hypothesis(
                session, actor=actor, hypothesis_id=parse_id(id, "hypothesis"), data=data
            )
        return Hypothesis.from_row(row)
