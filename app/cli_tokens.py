"""``expsvc tokens list|create|revoke``: the operator's token commands.

Like ``expsvc users create`` they work on the database directly, as the operator (who may
see and revoke anyone's tokens), so they also serve when no ADMIN token is at hand. A
revocation here reaches running replicas within their auth cache's lifetime
(``EXPSVC_AUTH_CACHE_TTL_SECONDS``).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.database_setup import migrate
from app.db import Database
from app.errors import DomainError, NotFound
from app.models import User
from app.users import api_tokens
from app.users.api_tokens import TokenPolicy


def add_token_commands(commands: Any) -> None:
    """Register ``tokens …`` on the ``expsvc`` sub-command parser ``commands``."""
    tokens = commands.add_parser("tokens", help="list, create and revoke API tokens")
    token_commands = tokens.add_subparsers(dest="tokens_command", required=True)

    listing = token_commands.add_parser("list", help="a user's tokens, newest first")
    listing.add_argument("--email", required=True, help="the user's email")
    listing.set_defaults(run=cmd_tokens_list)

    create = token_commands.add_parser("create", help="a new token for a user; prints it last")
    create.add_argument("--email", required=True, help="the user's email")
    create.add_argument("--name", required=True)
    create.add_argument(
        "--expires-at", type=_aware_time, help="ISO-8601 with a zone, e.g. 2027-01-31T00:00:00Z"
    )
    create.set_defaults(run=cmd_tokens_create)

    revoke = token_commands.add_parser("revoke", help="revoke a token by its id")
    revoke.add_argument("id", type=uuid.UUID, help="the token's id (from tokens list)")
    revoke.set_defaults(run=cmd_tokens_revoke)


def _aware_time(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError("give a time zone (e.g. Z for UTC)")
    return value


async def _user_by_email(session: AsyncSession, email: str) -> User:
    query = select(User).where(func.lower(User.email) == email.strip().lower())
    user = (await session.scalars(query)).one_or_none()
    if user is None:
        raise NotFound("user", email)
    return user


def _show(value: datetime | None) -> str:
    return "-" if value is None else value.isoformat(timespec="seconds")


async def _list(settings: Settings, email: str) -> list[str]:
    db = Database(settings.database_url)
    try:
        async with db.reader() as session:
            user = await _user_by_email(session, email)
            views = await api_tokens.list_tokens(
                session, actor=None, user_id=user.id, first=api_tokens.MAX_PAGE
            )
    finally:
        await db.dispose()
    lines = ["id\tname\tlast4\tstatus\tcreated\texpires\tlast used"]
    for view in views:
        token = view.token
        status = "active" if view.live else ("revoked" if token.revoked_at else "expired")
        lines.append(
            f"{token.id}\t{token.name}\t{token.last4 or '-'}\t{status}\t"
            f"{_show(token.created_at)}\t{_show(token.expires_at)}\t{_show(token.last_used_at)}"
        )
    return lines


async def _create(settings: Settings, email: str, name: str, expires_at: datetime | None) -> str:
    db = Database(settings.database_url)
    try:
        async with db.unit_of_work() as session:
            user = await _user_by_email(session, email)
            row, secret = await api_tokens.issue_token(
                session,
                owner=user,
                name=name,
                expires_at=expires_at,
                policy=TokenPolicy.from_settings(settings),
            )
        print(f"created token {row.id} for {user.email}, expires {_show(row.expires_at)}")
        return secret
    finally:
        await db.dispose()


async def _revoke(settings: Settings, token_id: uuid.UUID) -> str:
    db = Database(settings.database_url)
    try:
        row = await api_tokens.revoke_api_token(db, None, actor=None, token_id=token_id)
        return f"revoked token {row.id} ({row.name}) at {_show(row.revoked_at)}"
    finally:
        await db.dispose()


def _run(settings: Settings, work: Callable[[], Coroutine[Any, Any, str | list[str]]]) -> int:
    migrate(settings.database_url, may_create=False)
    try:
        lines = asyncio.run(work())
    except DomainError as exc:
        print(f"error: {exc.code}: {exc.message} {exc.details or ''}", file=sys.stderr)
        return 1
    for line in [lines] if isinstance(lines, str) else lines:
        print(line)
    return 0


def cmd_tokens_list(args: argparse.Namespace, settings: Settings) -> int:
    return _run(settings, lambda: _list(settings, args.email))


def cmd_tokens_create(args: argparse.Namespace, settings: Settings) -> int:
    return _run(settings, lambda: _create(settings, args.email, args.name, args.expires_at))


def cmd_tokens_revoke(args: argparse.Namespace, settings: Settings) -> int:
    return _run(settings, lambda: _revoke(settings, args.id))
