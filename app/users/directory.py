"""The user directory: who there is, for owner filters and user pickers.

Any signed-in user may list users (id, name, role): the console's pickers need them, and
names and roles are what every experiment and hypothesis already shows. A user's email
is shown only where ``app.access.email_visible`` allows (an ADMIN, or the user themself).
Sorted by name (case-insensitively, then id), keyset-paginated, with a name search so a
picker stays fast with thousands of users.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import email_visible
from app.cursors import KeysetPage, decode_cursor, encode_cursor
from app.errors import ValidationFailed
from app.models import User
from app.validation import check_search_and_first, like_pattern

MAX_PAGE = 500


def _sort_name() -> ColumnElement[str]:
    return func.lower(User.name)


@dataclass(frozen=True)
class DirectoryEntry:
    """A listed user, with the email only where the caller may see it."""

    user: User
    email: str | None


UserPage = KeysetPage[DirectoryEntry]


def _search_clause(search: str | None) -> ColumnElement[bool]:
    if search is None or not search.strip():
        return true()
    return User.name.ilike(like_pattern(search.strip()), escape="\\")


def _after_clause(text: str) -> ColumnElement[bool]:
    """Users after the cursor in (lower(name), id) order."""
    name, ident = decode_cursor(text, 2)
    try:
        if not isinstance(name, str):
            raise ValueError("name")
        user_id = uuid.UUID(str(ident))
    except ValueError as exc:
        raise ValidationFailed({"after": "invalid cursor"}) from exc
    sort_name = _sort_name()
    return or_(sort_name > name, and_(sort_name == name, User.id > user_id))


async def page_users(
    session: AsyncSession,
    *,
    actor: User,
    search: str | None = None,
    first: int = 50,
    after: str | None = None,
) -> UserPage:
    """Users whose name contains ``search`` (any case), by name. Every signed-in
    ``actor`` may list; each entry's email is there only if ``actor`` may see it."""
    check_search_and_first(search, first, max_first=MAX_PAGE)
    where = _search_clause(search)
    sort_name = _sort_name()
    query = select(User, sort_name.label("sort_name")).where(where)
    if after:
        query = query.where(_after_clause(after))
    query = query.order_by(sort_name.asc(), User.id.asc()).limit(first + 1)
    rows = list((await session.execute(query)).all())
    total = int(await session.scalar(select(func.count()).select_from(User).where(where)) or 0)
    page = rows[:first]
    cursors = [encode_cursor([sort_name, str(user.id)]) for user, sort_name in page]
    items = [
        DirectoryEntry(user, user.email if email_visible(actor, user.id) else None)
        for user, _ in page
    ]
    return UserPage(items, cursors, len(rows) > first, total)
