"""Users and tokens: authentication, creation (ADMIN only) and self-service tokens."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import may_manage_users
from app.errors import Forbidden, Unauthenticated, ValidationFailed
from app.models import ApiToken, User
from app.models.enums import Role
from app.users.tokens import hash_token, new_token
from app.validation import name_problem, text_problem

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


async def authenticate(session: AsyncSession, token: str | None) -> User:
    """The user a bearer token belongs to; ``UNAUTHENTICATED`` for none or a bad one."""
    if not token or text_problem(token):
        raise Unauthenticated()
    query = (
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == hash_token(token))
    )
    user = (await session.execute(query)).scalar_one_or_none()
    if user is None:
        raise Unauthenticated()
    return user


async def _issue_token(session: AsyncSession, user: User, name: str) -> str:
    token = new_token()
    session.add(ApiToken(user_id=user.id, name=name, token_hash=hash_token(token)))
    await session.flush()
    return token


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
    session: AsyncSession, *, actor: User | None, name: str, email: str, role: Role
) -> tuple[User, str]:
    """Create a user and its first token. ``actor`` None means the operator's CLI."""
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
    return user, await _issue_token(session, user, "initial")


async def create_api_token(session: AsyncSession, *, actor: User, name: str) -> str:
    if not 1 <= len(name.strip()) <= 200:
        raise ValidationFailed({"name": "must be 1-200 characters"})
    if problem := name_problem(name):
        raise ValidationFailed({"name": problem})
    return await _issue_token(session, actor, name.strip())


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
