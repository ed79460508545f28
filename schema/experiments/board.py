"""The Kanban board's columns (``experimentBoard``)."""

from __future__ import annotations

import strawberry

from app.experiments import service as experiments
from app.experiments.schemas import ExperimentFilterData, ExperimentOrderData
from app.models.enums import ExperimentStatus
from schema.context import Info
from schema.experiments.inputs import ExperimentOrder
from schema.experiments.types import Experiment, ExperimentConnection
from schema.inputs import to_model


@strawberry.type
class BoardColumn:
    status: ExperimentStatus
    count: int
    filter: strawberry.Private[ExperimentFilterData | None]

    async def _page(
        self, info: Info, first: int, after: str | None, order: ExperimentOrderData | None
    ) -> experiments.Page:
        """The column's experiments: the board's filter with this status, as
        ``experiments(filter, orderBy, first, after)`` lists them (the same cursors)."""
        actor = await info.context.actor()
        base = self.filter.model_dump(exclude_unset=True) if self.filter else {}
        column_filter = ExperimentFilterData(**(base | {"status": [self.status]}))
        async with info.context.reader() as session:
            return await experiments.list_experiments(
                session, actor=actor, filter=column_filter, order=order, first=first, after=after
            )

    @strawberry.field(
        description="The column's first experiments, newest first; `after` (an "
        "`endCursor` of `page`, or of the `experiments` query in its default order) "
        "continues from there."
    )
    async def experiments(
        self, info: Info, first: int | None = 20, after: str | None = None
    ) -> list[Experiment]:
        page = await self._page(info, 20 if first is None else first, after, None)
        return [Experiment.from_row(row) for row in page.items]

    @strawberry.field(
        description="The column's experiments as a keyset-paginated connection (cursors "
        "as the `experiments` query gives for the same order): scroll a column with "
        "`after: pageInfo.endCursor`."
    )
    async def page(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = None,
        order_by: ExperimentOrder | None = None,
    ) -> ExperimentConnection:
        order = (
            None if order_by is None else to_model(ExperimentOrderData, order_by, prefix="orderBy")
        )
        page = await self._page(info, 20 if first is None else first, after, order)
        return ExperimentConnection.from_page(page)
