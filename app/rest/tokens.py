"""``/tokens``: list, create and revoke API tokens (the rules: ``app/users/api_tokens.py``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from app.errors import Forbidden, NotFound
from app.models import ApiToken
from app.rest.body import QueryModel
from app.rest.endpoints import Call, Endpoint
from app.rest.schemas import Out
from app.rest.serializers import iso
from app.users import api_tokens
from app.users.api_tokens import TokenPolicy

TAGS = ("tokens",)


class TokenListQuery(QueryModel):
    user_id: uuid.UUID | None = Field(
        default=None, description="Whose tokens (ADMIN only for another user); default: yours"
    )
    first: int = Field(default=50, description=f"At most {api_tokens.MAX_PAGE}")


class CreateTokenBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="1-200 characters, to tell tokens apart")
    expires_at: AwareDatetime | None = Field(
        default=None,
        description="Default and latest: now + `EXPSVC_TOKEN_MAX_LIFETIME_DAYS` (none when 0)",
    )


class TokenOut(Out):
    id: str
    user_id: str
    name: str
    last4: str | None = Field(description="The token's last four characters")
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None = Field(description="Recorded at most once a minute")
    revoked_at: datetime | None
    active: bool = Field(description="Neither revoked nor expired: it authenticates")


class TokenListOut(Out):
    tokens: list[TokenOut]


class CreatedTokenOut(Out):
    token: str = Field(description="The secret: shown this once, only its SHA-256 is kept")
    api_token: TokenOut


def token_json(row: ApiToken, live: bool) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "user_id": str(row.user_id),
        "name": row.name,
        "last4": row.last4,
        "created_at": iso(row.created_at),
        "expires_at": iso(row.expires_at),
        "last_used_at": iso(row.last_used_at),
        "revoked_at": iso(row.revoked_at),
        "active": live,
    }


async def list_tokens(call: Call) -> Any:
    query = call.query_as(TokenListQuery)
    actor = call.actor
    async with call.services.db.reader() as session:
        views = await api_tokens.list_tokens(
            session, actor=actor, user_id=query.user_id or actor.id, first=query.first
        )
    return {"tokens": [token_json(view.token, view.live) for view in views]}


async def create_token(call: Call) -> Any:
    body = call.body_as(CreateTokenBody)
    policy = TokenPolicy.from_settings(call.settings)
    async with call.services.db.unit_of_work() as session:
        row, secret = await api_tokens.issue_token(
            session, owner=call.actor, name=body.name, expires_at=body.expires_at, policy=policy
        )
    return {"token": secret, "api_token": token_json(row, True)}


async def revoke_token(call: Call) -> Any:
    services = call.services
    row = await api_tokens.revoke_api_token(
        services.db, services.auth, actor=call.actor, token_id=call.path_id("id", "token")
    )
    return token_json(row, False)


ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "GET",
        "/tokens",
        list_tokens,
        "API tokens, newest first (never their secrets)",
        query_model=TokenListQuery,
        response_model=TokenListOut,
        tags=TAGS,
        errors=(Forbidden, NotFound),
        description="Your tokens, revoked and expired ones included; an ADMIN may name "
        "any user with `user_id` (FORBIDDEN for others, NOT_FOUND for no such user).",
    ),
    Endpoint(
        "POST",
        "/tokens",
        create_token,
        "A new API token for the caller; the secret is in the answer once",
        request_model=CreateTokenBody,
        response_model=CreatedTokenOut,
        status_code=201,
        tags=TAGS,
        description="At most `EXPSVC_MAX_TOKENS_PER_USER` live tokens per user "
        "(VALIDATION_FAILED beyond: revoke one first).",
    ),
    Endpoint(
        "DELETE",
        "/tokens/{id}",
        revoke_token,
        "Revoke an API token",
        response_model=TokenOut,
        tags=TAGS,
        description="Your own, or anyone's for an ADMIN (NOT_FOUND otherwise); revoking "
        "again changes nothing. " + api_tokens.REVOCATION_NOTE,
    ),
]
