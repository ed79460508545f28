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
    row: strawberry.Private[UserRow]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def email(self) -> str:
        return self.row.email

    @strawberry.field
    def role(self) -> Role:
        return self.row.role

    @strawberry.field(
        description="Whether this user may put experiments ahead of the FIFO order: a "
        "priority above 0 (on createExperiment or setExperimentPriority); TL, CURATOR, ADMIN."
    )
    def may_raise_priority(self) -> bool:
        return may_raise_priority(self.row)


async def load_user(info: Info, user_id: Any) -> User:
    row = await info.context.loaders.users.load(user_id)
    if row is None:
        raise NotFound("user", user_id)
    return User(row=row)


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
