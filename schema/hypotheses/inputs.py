"""GraphQL inputs of hypotheses."""

from __future__ import annotations

import strawberry


@strawberry.input
class CreateHypothesisInput:
    title: str
    team_lead_id: strawberry.ID | None = None
    observer_ids: list[strawberry.ID] | None = None


@strawberry.input(description="Only the fields sent change; teamLeadId null removes the lead.")
class UpdateHypothesisInput:
    title: str | None = strawberry.UNSET
    team_lead_id: strawberry.ID | None = strawberry.UNSET
    observer_ids: list[strawberry.ID] | None = strawberry.UNSET
