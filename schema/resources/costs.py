"""GraphQL types of an experiment's costs and its API cost entries."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.models.resource import ApiCost as ApiCostRow
from app.resources import api_costs as cost_entries
from app.resources.costs import CostView
from schema.context import Info
from schema.pages import PageInfo
from schema.users.types import User, load_user


@strawberry.type(
    description="GPU and CPU costs grow while the experiment runs; final at release. "
    "total = gpu + cpu + api."
)
class Cost:
    gpu: float
    api: float
    total: float
    currency: str
    cpu: float = strawberry.field(
        description="CPU cores x the pool's hourly rate per core x reserved time"
    )

    @classmethod
    def from_view(cls, cost: CostView) -> Cost:
        return cls(
            gpu=cost.gpu, api=cost.api, total=cost.total, currency=cost.currency, cpu=cost.cpu
        )


@strawberry.type(description="An API cost recorded against an experiment.")
class ApiCost:
    row: strawberry.Private[ApiCostRow]
    id: strawberry.ID
    amount: float = strawberry.field(description="In the cost currency (`Cost.currency`).")
    description: str
    created_at: datetime

    @classmethod
    def from_row(cls, row: ApiCostRow) -> ApiCost:
        return cls(
            row=row,
            id=strawberry.ID(str(row.id)),
            amount=row.amount,
            description=row.description,
            created_at=row.created_at,
        )

    @strawberry.field(description="Who recorded it.")
    async def added_by(self, info: Info) -> User:
        return await load_user(info, self.row.created_by)


@strawberry.type
class ApiCostEdge:
    cursor: str
    node: ApiCost


@strawberry.type
class ApiCostConnection:
    edges: list[ApiCostEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="Entries of the experiment, all pages.")

    @classmethod
    def from_page(cls, page: cost_entries.ApiCostPage) -> ApiCostConnection:
        return cls(
            edges=[
                ApiCostEdge(cursor=cursor, node=ApiCost.from_row(row))
                for row, cursor in zip(page.items, page.cursors, strict=True)
            ],
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
            total_count=page.total_count,
        )
