"""Typed inputs of the hypothesis services, shared by GraphQL and REST."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field


class HypothesisUpdate(BaseModel):
    """Only the fields present change (``model_fields_set``); a null ``team_lead_id``
    removes the lead; ``observer_ids`` replaces the observers."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, description="1-500 characters")
    team_lead_id: uuid.UUID | None = None
    observer_ids: list[uuid.UUID] | None = Field(
        default=None, description="The new observers (at most 200), replacing the old"
    )
