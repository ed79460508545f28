"""API tokens in GraphQL: the ``ApiToken`` type and the resolvers of ``apiTokens`` and
``revokeApiToken`` (attached in ``queries.py`` and ``mutations.py``). The rules are in
``app/users/api_tokens.py``."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.models import ApiToken as ApiTokenRow
from app.users import api_tokens
from app.users.api_tokens import TokenView
from schema.context import Info, parse_id
from schema.types import User, load_user

API_TOKENS_DESCRIPTION = (
    "API tokens, newest first, revoked and expired ones included (never the secret). Without "
    "userId the caller's; another user's only for an ADMIN (FORBIDDEN otherwise)."
)
REVOKE_API_TOKEN_DESCRIPTION = (
    "Revoke a token: the caller's own, or anyone's for an ADMIN (NOT_FOUND otherwise). "
    "Revoking it again changes nothing. " + api_tokens.REVOCATION_NOTE
)


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


async def api_tokens_list(
    info: Info, user_id: strawberry.ID | None = None, first: int | None = 50
) -> list[ApiToken]:
    actor = await info.context.actor()
    owner = actor.id if user_id is None else parse_id(user_id, "user")
    async with info.context.reader() as session:
        views = await api_tokens.list_tokens(
            session, actor=actor, user_id=owner, first=50 if first is None else first
        )
    return [ApiToken.from_view(view) for view in views]


async def revoke_api_token(info: Info, id: strawberry.ID) -> ApiToken:
    actor = await info.context.actor()
    services = info.context.services
    row = await api_tokens.revoke_api_token(
        services.db, services.auth, actor=actor, token_id=parse_id(id, "token")
    )
    return ApiToken(row=row, live=False)
