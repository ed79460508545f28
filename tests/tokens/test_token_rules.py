"""The token rules in the service: lifetimes, the live-token cap (also under concurrent
creations), and the settings they come from."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from app.config import Settings
from app.errors import ValidationFailed
from app.models.base import utcnow
from app.models.enums import Role
from app.services import Services
from app.users.api_tokens import TokenPolicy, issue_token
from app.users.service import create_user
from tests.tokens.helpers import token_ids, token_row

MONTH = TokenPolicy(max_lifetime=timedelta(days=30), max_live_per_user=20)


def test_the_policy_comes_from_the_settings() -> None:
    assert TokenPolicy.from_settings(Settings()) == TokenPolicy(None, 20)
    settings = Settings(token_max_lifetime_days=30, max_tokens_per_user=3)
    assert TokenPolicy.from_settings(settings) == TokenPolicy(timedelta(days=30), 3)


async def test_a_maximum_lifetime_is_the_default_and_the_bound(
    services: Services, make_user: Any
) -> None:
    user, _ = await make_user(Role.DS)
    async with services.db.unit_of_work() as session:
        before = utcnow()
        row, _ = await issue_token(session, owner=user, name="default", policy=MONTH)
        assert row.expires_at is not None
        assert before + timedelta(days=30) <= row.expires_at <= utcnow() + timedelta(days=30)
        asked = utcnow() + timedelta(days=29)
        row, _ = await issue_token(
            session, owner=user, name="asked", expires_at=asked, policy=MONTH
        )
        assert row.expires_at == asked
        with pytest.raises(ValidationFailed) as refused:
            await issue_token(
                session,
                owner=user,
                name="too far",
                expires_at=utcnow() + timedelta(days=31),
                policy=MONTH,
            )
        assert refused.value.fields == {"expiresAt": "at most 30 days ahead"}
        with pytest.raises(ValidationFailed) as naive:
            naive_time = (utcnow() + timedelta(days=1)).replace(tzinfo=None)
            await issue_token(session, owner=user, name="n", expires_at=naive_time, policy=MONTH)
        assert "expiresAt" in naive.value.fields
    # without a maximum, a token made without an expiry never expires
    async with services.db.unit_of_work() as session:
        row, _ = await issue_token(session, owner=user, name="forever", policy=TokenPolicy(None, 9))
        assert row.expires_at is None


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
async def test_a_bad_name_is_refused(services: Services, make_user: Any, name: str) -> None:
    user, _ = await make_user(Role.DS)
    async with services.db.unit_of_work() as session:
        with pytest.raises(ValidationFailed) as refused:
            await issue_token(session, owner=user, name=name, policy=MONTH)
    assert list(refused.value.fields) == ["name"]


async def test_two_creations_at_once_cannot_pass_the_cap_together(
    services: Services, make_user: Any
) -> None:
    """The second creation waits for the first's lock on the user and then counts its
    token: without the lock, on PostgreSQL it would count 1 live token and make a third."""
    user, _ = await make_user(Role.DS)  # its initial token is live
    cap = TokenPolicy(max_lifetime=None, max_live_per_user=2)

    async def second() -> None:
        async with services.db.unit_of_work() as session:
            await issue_token(session, owner=user, name="second", policy=cap)

    async with services.db.unit_of_work() as session:
        await issue_token(session, owner=user, name="first", policy=cap)
        waiting = asyncio.create_task(second())
        await asyncio.sleep(0.3)  # let it reach the lock while the first is uncommitted
        assert not waiting.done()
    with pytest.raises(ValidationFailed):
        await waiting
    assert len(await token_ids(services, user)) == 2


async def test_a_new_users_first_token_follows_the_policy(services: Services) -> None:
    async with services.db.unit_of_work() as session:
        user, _ = await create_user(
            session, actor=None, name="n", email="n@x.io", role=Role.DS, policy=MONTH
        )
    (token_id,) = await token_ids(services, user)
    expires = (await token_row(services, token_id)).expires_at
    assert expires is not None and expires <= utcnow() + timedelta(days=30)
