"""The users' root fields: ``me``, ``users`` (the directory; who may list and whose email
shows is in ``app/users/directory.py``), ``createUser``."""

from __future__ import annotations

import strawberry

from app.users import directory
from app.users import service as users_service
from app.users.api_tokens import TokenPolicy
from schema.context import Info
from schema.pages import PageInfo
from schema.users.inputs import CreateUserInput
from schema.users.types import User, UserConnection, UserEdge, UserSummary, UserWithToken

USERS_DESCRIPTION = (
    "The user directory, for owner filters and user pickers: every user whose name "
    "contains `search` (any case), sorted by name, keyset-paginated (`after` is a "
    "`pageInfo.endCursor`). Any signed-in caller may list; `email` is shown only to an "
    "ADMIN and for the caller themself."
)


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


@strawberry.type
class UserQueries:
    users: UserConnection = strawberry.field(resolver=users, description=USERS_DESCRIPTION)

    @strawberry.field(description="The caller.")
    async def me(self, info: Info) -> User:
        return User.from_row(await info.context.actor())


@strawberry.type
class UserMutations:
    @strawberry.mutation(description="ADMIN only. The answer carries the new user's token once.")
    async def create_user(self, info: Info, input: CreateUserInput) -> UserWithToken:
        actor = await info.context.actor()
        async with info.context.transaction() as session:
            row, token = await users_service.create_user(
                session,
                actor=actor,
                name=input.name,
                email=input.email,
                role=input.role,
                policy=TokenPolicy.from_settings(info.context.settings),
            )
        return UserWithToken(user=User.from_row(row), token=token)
