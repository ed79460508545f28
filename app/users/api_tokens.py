"""API tokens' rules: issuing (lifetime and per-user limits), listing, revoking, last use.

A token is *live* while it is neither revoked nor past its expiry (``live_token``, the one
form of that rule): only a live token authenticates, and only live ones count toward
``max_tokens_per_user``. A user lists and revokes their own tokens, an ADMIN anyone's (and
the operator's CLI, ``actor=None``, everyone's); a token someone else names is
``NOT_FOUND`` to them. Only a token's SHA-256 and its last four characters are stored.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import ColumnElement, and_, func, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import may_manage_tokens_of, token_visible
from app.config import Settings
from app.db import Database
from app.errors import Forbidden, NotFound, ValidationFailed
from app.models import ApiToken, User
from app.models.base import utcnow
from app.users.tokens import hash_token, new_token
from app.validation import name_problem

MAX_PAGE = 500
# A token's ``last_used_at`` is written at most this often (per token, per replica, and a
# conditional UPDATE keeps replicas from writing it more often between them)
LAST_USED_RESOLUTION = timedelta(seconds=60)

# What users are told about revocation (GraphQL and REST descriptions, README)
REVOCATION_NOTE = (
    "A revoked token stops working at once on the replica that answers, and on the other "
    "replicas within the auth cache's lifetime (EXPSVC_AUTH_CACHE_TTL_SECONDS, default "
    f"{Settings.model_fields['auth_cache_ttl_seconds'].default:g} s)."
)


@dataclass(frozen=True)
class TokenPolicy:
    """The limits on new tokens, from the settings."""

    max_lifetime: timedelta | None
    max_live_per_user: int

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenPolicy:
        days = settings.token_max_lifetime_days
        return cls(
            max_lifetime=timedelta(days=days) if days else None,
            max_live_per_user=settings.max_tokens_per_user,
        )


# The settings' defaults: where no settings are at hand (the first ADMIN's token, tests)
DEFAULT_POLICY = TokenPolicy(
    max_lifetime=None, max_live_per_user=Settings.model_fields["max_tokens_per_user"].default
)


@dataclass(frozen=True)
class TokenView:
    """A token as listed: the row and whether it is live now."""

    token: ApiToken
    live: bool


def live_token(now: datetime) -> ColumnElement[bool]:
    """Not revoked and not expired at ``now``."""
    return and_(
        ApiToken.revoked_at.is_(None),
        or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now),
    )


def _checked_name(name: str) -> str:
    if not 1 <= len(name.strip()) <= 200:
        raise ValidationFailed({"name": "must be 1-200 characters"})
    if problem := name_problem(name):
        raise ValidationFailed({"name": problem})
    return name.strip()


def _expiry(policy: TokenPolicy, expires_at: datetime | None, now: datetime) -> datetime | None:
    """The expiry a new token gets: the one asked for (in the future, within the maximum
    lifetime) or, without one, the maximum lifetime (None when there is none)."""
    latest = None if policy.max_lifetime is None else now + policy.max_lifetime
    if expires_at is None:
        return latest
    if expires_at.tzinfo is None:
        raise ValidationFailed({"expiresAt": "must carry a time zone (e.g. Z for UTC)"})
    if expires_at <= now:
        raise ValidationFailed({"expiresAt": "must be in the future"})
    if latest is not None and expires_at > latest:
        days = policy.max_lifetime.days if policy.max_lifetime else 0
        raise ValidationFailed({"expiresAt": f"at most {days} days ahead"})
    return expires_at


async def issue_token(
    session: AsyncSession,
    *,
    owner: User,
    name: str,
    expires_at: datetime | None = None,
    policy: TokenPolicy,
) -> tuple[ApiToken, str]:
    """A new token for ``owner``: the row and the secret (shown once, never stored).

    The owner's row is locked first (PostgreSQL; SQLite writers queue anyway), so two
    creations at once cannot both pass the live-token count."""
    now = utcnow()
    clean = _checked_name(name)
    expiry = _expiry(policy, expires_at, now)
    await session.execute(select(User.id).where(User.id == owner.id).with_for_update())
    live = await session.scalar(
        select(func.count()).where(ApiToken.user_id == owner.id, live_token(now))
    )
    if (live or 0) >= policy.max_live_per_user:
        raise ValidationFailed(
            {"tokens": f"at most {policy.max_live_per_user} live tokens per user; revoke one"},
            message="too many live tokens",
        )
    secret = new_token()
    row = ApiToken(
        user_id=owner.id,
        name=clean,
        token_hash=hash_token(secret),
        last4=secret[-4:],
        created_at=now,
        expires_at=expiry,
    )
    session.add(row)
    await session.flush()
    return row, secret


async def list_tokens(
    session: AsyncSession, *, actor: User | None, user_id: uuid.UUID, first: int = 50
) -> list[TokenView]:
    """``user_id``'s tokens, newest first, revoked and expired ones included.

    Another user's tokens: ``FORBIDDEN`` unless ADMIN (the role may not list them),
    ``NOT_FOUND`` for a user that does not exist."""
    if not 0 <= first <= MAX_PAGE:
        raise ValidationFailed({"first": f"must be 0-{MAX_PAGE}"})
    if actor is not None and not may_manage_tokens_of(actor, user_id):
        raise Forbidden("only an ADMIN may list another user's tokens")
    someone_else = actor is None or actor.id != user_id
    if someone_else and await session.scalar(select(User.id).where(User.id == user_id)) is None:
        raise NotFound("user", user_id)
    query = (
        select(ApiToken, live_token(utcnow()))
        .where(ApiToken.user_id == user_id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        .limit(first)
    )
    return [TokenView(token, bool(live)) for token, live in (await session.execute(query)).all()]


async def revoke_token(
    session: AsyncSession, *, actor: User | None, token_id: uuid.UUID
) -> ApiToken:
    """Revoke a token (again: a no-op, ``revoked_at`` stays the first one)."""
    visible = true() if actor is None else token_visible(actor)
    query = select(ApiToken).where(ApiToken.id == token_id, visible).with_for_update()
    row = (await session.scalars(query)).one_or_none()
    if row is None:
        raise NotFound("token", token_id)
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        await session.flush()
    return row


class TokenCache(Protocol):
    """A process's cache of authenticated tokens (``auth_cache.AuthCache``)."""

    def forget(self, token_hash: str) -> None: ...


async def revoke_api_token(
    db: Database, cache: TokenCache | None, *, actor: User | None, token_id: uuid.UUID
) -> ApiToken:
    """Revoke and commit, then drop the token from this process's auth cache, so it stops
    working here at once (other replicas: within their cache's TTL)."""
    async with db.unit_of_work() as session:
        row = await revoke_token(session, actor=actor, token_id=token_id)
    if cache is not None:
        cache.forget(row.token_hash)
    return row


async def touch_last_used(session: AsyncSession, *, token_id: uuid.UUID, now: datetime) -> None:
    """Record a use, unless one was recorded less than ``LAST_USED_RESOLUTION`` before."""
    await session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token_id,
            or_(
                ApiToken.last_used_at.is_(None),
                ApiToken.last_used_at <= now - LAST_USED_RESOLUTION,
            ),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
