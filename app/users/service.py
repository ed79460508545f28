"""Users and tokens: authentication, creation (ADMIN only) and self-service tokens."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import may_manage_users
from app.errors import Forbidden, Unauthenticated, ValidationFailed
from app.models import ApiToken, User
from app.models.base import utcnow
from app.models.enums import Role
from app.users.api_tokens import DEFAULT_POLICY, TokenPolicy, issue_token, live_token
from app.users.tokens import hash_token
from app.validation import name_problem, text_problem

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


async def authenticate(session: AsyncSession, token: str | None) -> User:
    """The user a live bearer token belongs to; ``UNAUTHENTICATED`` for none or a bad one."""
    return (await credential(session, token)).user


@dataclass(frozen=True)
class Credential:
    """What a live token lookup found: its user, and what the auth cache needs besides."""

    user: User
    token_id: uuid.UUID
    expires_at: datetime | None
    last_used_at: datetime | None


async def credential(
    session: AsyncSession, token: str | None, now: datetime | None = None
) -> Credential:
    """The live token ``token`` is; ``UNAUTHENTICATED`` for none, an unknown, a revoked or
    an expired one (the message says which of the last two)."""
    if not token or text_problem(token):
        raise Unauthenticated()
    query = (
        select(
            User,
            ApiToken.id,
            ApiToken.expires_at,
            ApiToken.last_used_at,
            ApiToken.revoked_at,
            live_token(now or utcnow()),
        )
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == hash_token(token))
    )
    found = (await session.execute(query)).one_or_none()
    if found is None:
        raise Unauthenticated()
    user, token_id, expires_at, last_used_at, revoked_at, live = found
    if not live:
        raise Unauthenticated("token revoked" if revoked_at is not None else "token expired")
    return Credential(user, token_id, expires_at, last_used_at)


def _user_field_errors(name: str, email: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not 1 <= len(name.strip()) <= 200:
        errors["name"] = "must be 1-200 characters"
    elif problem := name_problem(name):
        errors["name"] = problem
    if len(email) > 320 or not EMAIL_RE.match(email) or name_problem(email):
        errors["email"] = "must be an email address"
    return errors


async def create_user(
    session: AsyncSession,
    *,
    actor: User | None,
    name: str,
    email: str,
    role: Role,
    policy: TokenPolicy = DEFAULT_POLICY,
) -> tuple[User, str]:
    """Create a user and its first token (expiring as ``policy`` says). ``actor`` None
    means the operator's CLI."""
    if actor is not None and not may_manage_users(actor):
        raise Forbidden("only an ADMIN may create users")
    errors = _user_field_errors(name, email)
    if "email" not in errors:
        taken = await session.scalar(select(User.id).where(func.lower(User.email) == email.lower()))
        if taken is not None:
            errors["email"] = "already in use"
    if errors:
        raise ValidationFailed(errors)
    user = User(id=uuid.uuid4(), name=name.strip(), email=email.strip(), role=role)
    session.add(user)
    try:
        await session.flush()
    except IntegrityError as error:  # created meanwhile by a request not yet committed then
        raise ValidationFailed({"email": "already in use"}) from error
    _, token = await issue_token(session, owner=user, name="initial", policy=policy)
    return user, token


async def create_api_token(
    session: AsyncSession,
    *,
    actor: User,
    name: str,
    expires_at: datetime | None = None,
    policy: TokenPolicy = DEFAULT_POLICY,
) -> str:
    """A new token for the caller (the secret, shown once)."""
    _, token = await issue_token(
        session, owner=actor, name=name, expires_at=expires_at, policy=policy
    )
    return token


async def count_users(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(User)) or 0)


async def users_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, User]:
    rows = (await session.scalars(select(User).where(User.id.in_(set(ids))))).all()
    return {user.id: user for user in rows}


async def bootstrap_admin(session: AsyncSession) -> str | None:
    """On an empty database create the first ADMIN; return its token (else None)."""
    if await count_users(session) > 0:
        return None
    _, token = await create_user(
        session,
        actor=None,
        name="Administrator",
        email="admin@localhost.localdomain",
        role=Role.ADMIN,
    )
    return token


async def list_users(session: AsyncSession) -> list[User]:
    """Every user, oldest first (the operator's CLI)."""
    return list((await session.scalars(select(User).order_by(User.created_at, User.id))).all())
