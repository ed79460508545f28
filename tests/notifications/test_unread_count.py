"""``unreadNotificationCount``: the caller's own unread notifications, for the console's
bell; it follows new notifications and ``markNotificationsRead``, never counts another
user's, and needs a token."""

from __future__ import annotations

import pytest

from app.models.enums import Role
from tests.builders import create_experiment, create_hypothesis, move
from tests.graphql import error_codes, gql, ok

COUNT = "{ unreadNotificationCount }"
LIST = "{ notifications { id } }"
MARK = "mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) }"


@pytest.fixture
async def team(services, make_user):
    owner, owner_token = await make_user(Role.DS)
    observer, observer_token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner, observers=[observer])
    return owner, owner_token, observer_token, hypothesis


async def count(client, token: str) -> int:
    value: int = (await ok(client, COUNT, {}, token=token))["unreadNotificationCount"]
    return value


async def test_counts_new_notifications_and_drops_those_marked_read(client, services, team):
    owner, token, _, hypothesis = team
    assert await count(client, token) == 0
    experiment = await create_experiment(services, owner, hypothesis)
    await move(services, owner, experiment, "start")
    await move(services, owner, experiment, "complete")
    await services.notifier.run_until_empty()
    assert await count(client, token) == 2

    newest, _ = (await ok(client, LIST, {}, token=token))["notifications"]
    await ok(client, MARK, {"ids": [newest["id"]]}, token=token)
    assert await count(client, token) == 1


async def test_counts_only_the_callers_own(client, services, team, make_user):
    owner, owner_token, observer_token, hypothesis = team
    _, stranger_token = await make_user(Role.DS)
    experiment = await create_experiment(services, owner, hypothesis)
    await move(services, owner, experiment, "start")
    await services.notifier.run_until_empty()
    assert await count(client, owner_token) == 1
    assert await count(client, observer_token) == 1
    assert await count(client, stranger_token) == 0

    (mine,) = (await ok(client, LIST, {}, token=owner_token))["notifications"]
    await ok(client, MARK, {"ids": [mine["id"]]}, token=owner_token)
    assert await count(client, owner_token) == 0
    assert await count(client, observer_token) == 1, "the observer's copy is still unread"


async def test_the_count_needs_a_token(client):
    assert error_codes(await gql(client, COUNT, {})) == ["UNAUTHENTICATED"]
    assert error_codes(await gql(client, COUNT, {}, token="not-a-token")) == ["UNAUTHENTICATED"]
