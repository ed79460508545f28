"""``GET /users``: the user directory (GraphQL's ``users``), over ``app.users.directory``."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import Field

from app.models.enums import Role
from app.rest.body import QueryModel
from app.rest.endpoints import Call, Endpoint
from app.rest.schemas import Out, PageInfoOut
from app.users import directory


class UserListQuery(QueryModel):
    search: str | None = Field(default=None, description="Text in the name, any case")
    first: int = Field(
        default=50,
        description=f"Page size, 0-{directory.MAX_PAGE}",
        json_schema_extra={"minimum": 0, "maximum": directory.MAX_PAGE},
    )
    after: str | None = Field(default=None, description="`page_info.end_cursor` of a page")


class UserSummaryOut(Out):
    id: uuid.UUID
    name: str
    role: Role
    email: str | None = Field(description="Only for an ADMIN caller and in the caller's own entry")


class UserPageOut(Out):
    items: list[UserSummaryOut]
    page_info: PageInfoOut
    total_count: int


def _entry_json(entry: directory.DirectoryEntry) -> dict[str, Any]:
    user = entry.user
    return {"id": str(user.id), "name": user.name, "role": user.role.value, "email": entry.email}


async def list_users(call: Call) -> Any:
    query = call.query_as(UserListQuery)
    async with call.services.db.reader() as session:
        page = await directory.page_users(
            session, actor=call.actor, search=query.search, first=query.first, after=query.after
        )
    return {
        "items": [_entry_json(entry) for entry in page.items],
        "page_info": {"has_next_page": page.has_next_page, "end_cursor": page.end_cursor},
        "total_count": page.total_count,
    }


ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "GET",
        "/users",
        list_users,
        "The user directory: users by name, keyset-paginated, for owner filters and pickers",
        query_model=UserListQuery,
        response_model=UserPageOut,
        tags=("users",),
        description="Any signed-in caller may list (id, name, role); `email` is given only "
        "to an ADMIN and in the caller's own entry (null otherwise).",
    ),
]
