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
    id: strawberry.ID
    name: str
    last4: str | None = strawberry.field(
        description="The token's last four characters, to tell tokens apart."
    )
    created_at: datetime
    expires_at: datetime | None = strawberry.field(description="null: never expires.")
    last_used_at: datetime | None = strawberry.field(description="Recorded at most once a minute.")
    revoked_at: datetime | None
    active: bool = strawberry.field(description="Neither revoked nor expired: it authenticates.")

    @classmethod
    def from_row(cls, row: ApiTokenRow, *, live: bool) -> ApiToken:
        """``live``: neither revoked nor expired (``app.users.api_tokens`` decides)."""
        return cls(
            row=row,
            id=strawberry.ID(str(row.id)),
            name=row.name,
            last4=row.last4,
            created_at=row.created_at,
            expires_at=row.expires_at,
            last_used_at=row.last_used_at,
            revoked_at=row.revoked_at,
            active=live,
        )

    @classmethod
    def from_view(cls, view: TokenView) -> ApiToken:
        return cls.from_row(view.token, live=view.live)

    @strawberry.field
    async def user(self, info: Info) -> User:
        return await load_user(info, self.row.user_id)
