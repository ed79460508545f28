"""GraphQL types of users: ``User``, the directory's ``UserSummary`` pages, ``UserWithToken``."""

from __future__ import annotations

from typing import Any

import strawberry

from app.access import may_raise_priority
from app.errors import NotFound
from app.models import User as UserRow
from app.models.enums import Role
from app.users import directory
from schema.context import Info
from schema.pages import PageInfo


@strawberry.type
class User:
    id: strawberry.ID
    name: str
    email: str
    role: Role
    may_raise_priority: bool = strawberry.field(
        description="Whether this user may put experiments ahead of the FIFO order: a "
        "priority above 0 (on createExperiment or setExperimentPriority); TL, CURATOR, ADMIN."
    )

    @classmethod
    def from_row(cls, row: UserRow) -> User:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            email=row.email,
            role=row.role,
            may_raise_priority=may_raise_priority(row),
        )


async def load_user(info: Info, user_id: Any) -> User:
    row = await info.context.loaders.users.load(user_id)
    if row is None:
        raise NotFound("user", user_id)
    return User.from_row(row)


@strawberry.type
class UserWithToken:
    user: User
    token: str


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
