"""The ``Hypothesis`` type. Its experiments are a lazy reference: ``schema.experiments``
imports this module."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from app.experiments import service as experiments
from app.experiments.schemas import ExperimentFilterData
from app.models import Hypothesis as HypothesisRow
from schema.context import Info
from schema.users.types import User, load_user

if TYPE_CHECKING:
    from schema.experiments.types import ExperimentConnection


@strawberry.type
class Hypothesis:
    row: strawberry.Private[HypothesisRow]
    id: strawberry.ID
    title: str

    @classmethod
    def from_row(cls, row: HypothesisRow) -> Hypothesis:
        return cls(row=row, id=strawberry.ID(str(row.id)), title=row.title)

    @strawberry.field
    async def owner(self, info: Info) -> User:
        return await load_user(info, self.row.owner_id)

    @strawberry.field
    async def team_lead(self, info: Info) -> User | None:
        if self.row.team_lead_id is None:
            return None
        return await load_user(info, self.row.team_lead_id)

    @strawberry.field
    async def observers(self, info: Info) -> list[User]:
        rows = await info.context.loaders.observers.load(self.row.id) or []
        return [User.from_row(row) for row in rows]

    @strawberry.field
    async def experiments(
        self, info: Info, first: int | None = 50, after: str | None = None
    ) -> Annotated[ExperimentConnection, strawberry.lazy("schema.experiments.types")]:
        from schema.experiments.types import ExperimentConnection

        actor = await info.context.actor()
        async with info.context.reader() as session:
            page = await experiments.list_experiments(
                session,
                actor=actor,
                filter=ExperimentFilterData(hypothesis_id=self.row.id),
                first=50 if first is None else first,
                after=after,
            )
        return ExperimentConnection.from_page(page)
