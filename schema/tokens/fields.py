"""The tokens' root fields: ``apiTokens``, ``createApiToken``, ``revokeApiToken``."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.users import api_tokens
from app.users import service as users_service
from app.users.api_tokens import TokenPolicy
from schema.context import Info, parse_id
from schema.tokens.types import ApiToken

API_TOKENS_DESCRIPTION = (
    "API tokens, newest first, revoked and expired ones included (never the secret). Without "
    "userId the caller's; another user's only for an ADMIN (FORBIDDEN otherwise)."
)


REVOKE_API_TOKEN_DESCRIPTION = (
    "Revoke a token: the caller's own, or anyone's for an ADMIN (NOT_FOUND otherwise). "
    "Revoking it again changes nothing. " + api_tokens.REVOCATION_NOTE
)


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
    return ApiToken.from_row(row, live=False)


@strawberry.type
class TokenQueries:
    api_tokens: list[ApiToken] = strawberry.field(
        resolver=api_tokens_list, description=API_TOKENS_DESCRIPTION
    )


@strawberry.type
class TokenMutations:
    @strawberry.mutation(
        description="A new API token for the caller, shown once. Without expiresAt it expires "
        "after EXPSVC_TOKEN_MAX_LIFETIME_DAYS (never when that is 0); with it, no later. At "
        "most EXPSVC_MAX_TOKENS_PER_USER live tokens per user (VALIDATION_FAILED beyond)."
    )
    async def create_api_token(
        self, info: Info, name: str, expires_at: datetime | None = None
    ) -> str:
        actor = await info.context.actor()
        policy = TokenPolicy.from_settings(info.context.settings)
        async with info.context.transaction() as session:
            return await users_service.create_api_token(
                session, actor=actor, name=name, expires_at=expires_at, policy=policy
            )

    revoke_api_token: ApiToken = strawberry.mutation(
        resolver=revoke_api_token, description=REVOKE_API_TOKEN_DESCRIPTION
    )
