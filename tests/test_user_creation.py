"""Creating users: an email is used once, whatever its case, even when two admins create
the same user at once."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from app.errors import ValidationFailed
from app.models import User
from app.models.enums import Role
from app.users.service import create_user


async def users_with(services, email: str) -> int:
    async with services.db.reader() as session:
        query = select(func.count()).where(func.lower(User.email) == email.lower())
        return int(await session.scalar(query) or 0)


async def test_an_email_in_use_is_refused_in_any_case(services, make_user):
    admin, _ = await make_user(Role.ADMIN)
    async with services.db.unit_of_work() as session:
        await create_user(session, actor=admin, name="Ann", email="ann@lab.test", role=Role.DS)
    for email in ("ann@lab.test", "ANN@Lab.test"):
        with pytest.raises(ValidationFailed) as refused:
            async with services.db.unit_of_work() as session:
                await create_user(session, actor=admin, name="Ann 2", email=email, role=Role.DS)
        assert refused.value.fields == {"email": "already in use"}
    assert await users_with(services, "ann@lab.test") == 1


async def test_the_same_user_created_twice_at_once_is_refused_once(services, make_user):
    """The second creation runs while the first is uncommitted: on PostgreSQL its insert
    waits for that commit and hits the key (it used to surface as an internal error); on
    SQLite its transaction waits and its check finds the user."""
    admin, _ = await make_user(Role.ADMIN)
    first_written = asyncio.Event()

    async def create(second: bool) -> str:
        if second:
            await first_written.wait()
        try:
            async with services.db.unit_of_work() as session:
                await create_user(
                    session, actor=admin, name="Bo", email="bo@lab.test", role=Role.DS
                )
                if not second:
                    first_written.set()
                    await asyncio.sleep(0.5)  # uncommitted while the second one writes
        except ValidationFailed as error:
            return str(error.fields)
        return "created"

    assert await asyncio.gather(create(False), create(True)) == [
        "created",
        str({"email": "already in use"}),
    ]
    assert await users_with(services, "bo@lab.test") == 1
