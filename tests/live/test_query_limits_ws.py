"""The query limits hold over the websocket too: a fragment bomb sent by any admitted
client (a socket needs a valid token since connection_init is authenticated) is refused
with QUERY_TOO_COMPLEX at once, as a query
(graphql-transport-ws; graphql-ws carries subscriptions only) and as a subscription (see
``tests/schema/test_fragment_bombs.py`` for the document and the call budget)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from gql import gql as document
from gql.transport.exceptions import TransportQueryError

from app.models.enums import Role
from tests.call_budget import call_budget
from tests.live.client import ws_session
from tests.schema.test_fragment_bombs import BUDGET, bomb

QUERY = bomb(40)
SUBSCRIPTION = bomb(40, root="subscription{notifications{...F%d}}", on="Notification")


async def refusal(server: str, token: str, protocol: str, query: str) -> dict[str, Any]:
    async with ws_session(server, token=token, protocol=protocol) as session:
        with call_budget(BUDGET), pytest.raises(TransportQueryError) as refused:
            async with asyncio.timeout(10):  # an expanding walker fails at the budget, not here
                if query.startswith("subscription"):
                    async for _ in session.subscribe(document(query)):
                        pass
                else:
                    await session.execute(document(query))
    [error] = refused.value.errors or []
    return error


@pytest.mark.parametrize(
    ("protocol", "query"),
    [
        ("graphql-transport-ws", QUERY),
        ("graphql-transport-ws", SUBSCRIPTION),
        ("graphql-ws", SUBSCRIPTION),
    ],
    ids=["transport-ws-query", "transport-ws-subscription", "graphql-ws-subscription"],
)
async def test_a_40_level_fragment_bomb_is_refused_over_the_websocket(
    live_server, make_user, protocol, query
):
    _, token = await make_user(Role.DS)
    error = await refusal(live_server, token, protocol, query)
    assert error["extensions"] == {
        "code": "QUERY_TOO_COMPLEX",
        "details": {"fields": 2**41 + 1, "limit": 5000},
    }
