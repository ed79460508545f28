"""Making tokens in every state: live, revoked, expired."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select, update

from app.models import ApiToken, User
from app.models.base import utcnow
from app.services import Services
from app.users.api_tokens import DEFAULT_POLICY, issue_token, revoke_token


async def new_token(services: Services, user: User, name: str = "extra") -> tuple[uuid.UUID, str]:
    """A live token of ``user``: its id and secret."""
    async with services.db.unit_of_work() as session:
        row, secret = await issue_token(session, owner=user, name=name, policy=DEFAULT_POLICY)
    return row.id, secret


async def revoked_token(services: Services, user: User) -> str:
    token_id, secret = await new_token(services, user, "revoked")
    async with services.db.unit_of_work() as session:
        await revoke_token(session, actor=None, token_id=token_id)
    return secret


async def expired_token(services: Services, user: User) -> str:
    """A token whose expiry passed (set in the database: the API only takes future ones)."""
    token_id, secret = await new_token(services, user, "expired")
    await set_expiry(services, token_id, utcnow() - timedelta(seconds=1))
    return secret


async def set_expiry(services: Services, token_id: uuid.UUID, when: object) -> None:
    async with services.db.unit_of_work() as session:
        await session.execute(
            update(ApiToken).where(ApiToken.id == token_id).values(expires_at=when)
        )


async def token_row(services: Services, token_id: uuid.UUID) -> ApiToken:
    async with services.db.reader() as session:
        return (await session.scalars(select(ApiToken).where(ApiToken.id == token_id))).one()


async def token_ids(services: Services, user: User) -> list[uuid.UUID]:
    async with services.db.reader() as session:
        query = select(ApiToken.id).where(ApiToken.user_id == user.id)
        return list((await session.scalars(query)).all())
