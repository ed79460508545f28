"""The user directory in GraphQL: ``users`` (attached in ``queries.py``). The rules, who
may list and whose email shows, are in ``app/users/directory.py``."""

from __future__ import annotations

import strawberry

from app.models.enums import Role
from app.users import directory
from schema.context import Info
from schema.types import PageInfo

USERS_DESCRIPTION = (
    "The user directory, for owner filters and user pickers: every user whose name "
    "contains `search` (any case), sorted by name, keyset-paginated (`after` is a "
    "`pageInfo.endCursor`). Any signed-in caller may list; `email` is shown only to an "
    "ADMIN and for the caller themself."
)


@strawberry.type(description="A user as the directory lists them.")
class UserSummary:
    id: strawberry.ID
    name: str
    role: Role
    email: str | None = strawberry.field(
        description="Only for an ADMIN caller, and in the caller's own entry; else null."
    )

    @classmethod
    def from_entry(cls, entry: directory.DirectoryEntry) -> UserSummary:
        user = entry.user
        return cls(
            id=strawberry.ID(str(user.id)), name=user.name, role=user.role, email=entry.email
        )


@strawberry.type
class UserEdge:
    cursor: str
    node: UserSummary


@strawberry.type
class UserConnection:
    edges: list[UserEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="Users matching `search`, all pages.")


async def users(
    info: Info, search: str | None = None, first: int | None = 50, after: str | None = None
) -> UserConnection:
    actor = await info.context.actor()
    async with info.context.reader() as session:
        page = await directory.page_users(
            session, actor=actor, search=search, first=50 if first is None else first, after=after
        )
    edges = [
        UserEdge(cursor=cursor, node=UserSummary.from_entry(entry))
        for entry, cursor in zip(page.items, page.cursors, strict=True)
    ]
    return UserConnection(
        edges=edges,
        page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
        total_count=page.total_count,
    )
