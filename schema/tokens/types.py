"""The ``ApiToken`` type."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.models import ApiToken as ApiTokenRow
from app.users.api_tokens import TokenView
from schema.context import Info
from schema.users.types import User, load_user


@strawberry.type(description="An API token's record; the secret itself is shown only once.")
class ApiToken:
    row: strawberry.Private[ApiTokenRow]
    live: strawberry.Private[bool]

    @classmethod
    def from_view(cls, view: TokenView) -> ApiToken:
        return cls(row=view.token, live=view.live)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field(description="The token's last four characters, to tell tokens apart.")
    def last4(self) -> str | None:
        return self.row.last4

    @strawberry.field
    def created_at(self) -> datetime:
        return self.row.created_at

    @strawberry.field(description="null: never expires.")
    def expires_at(self) -> datetime | None:
        return self.row.expires_at

    @strawberry.field(description="Recorded at most once a minute.")
    def last_used_at(self) -> datetime | None:
        return self.row.last_used_at

    @strawberry.field
    def revoked_at(self) -> datetime | None:
        return self.row.revoked_at

    @strawberry.field(description="Neither revoked nor expired: it authenticates.")
    def active(self) -> bool:
        return self.live

    @strawberry.field
    async def user(self, info: Info) -> User:
        return await load_user(info, self.row.user_id)
