"""Who may hold a websocket, and for how long (``schema/engine/websockets.py``), over real sockets:
admission at ``connection_init`` (a bad token never gets ``connection_ack``), the limits
per token and per address, the idle limits, the message size, and the codes on errors."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import orjson
import pytest
import websockets
from websockets.exceptions import ConnectionClosed

from app.events.names import experiment_channel
from app.models.base import utcnow
from app.models.enums import Role
from tests.builders import create_hypothesis, create_running

PROTOCOLS = ["graphql-transport-ws", "graphql-ws"]
MISSING = "00000000-0000-0000-0000-000000000000"


def init(token: str | None) -> str:
    payload = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return json.dumps({"type": "connection_init", "payload": payload})


async def messages_until_closed(socket: Any, seconds: float = 5) -> list[dict[str, Any]]:
    """Every message the server sends until it closes the socket."""
    seen: list[dict[str, Any]] = []
    async with asyncio.timeout(seconds):
        try:
            while True:
                seen.append(json.loads(await socket.recv()))
        except ConnectionClosed:
            return seen


async def admitted(address: str, token: str, protocol: str = PROTOCOLS[0]) -> Any:
    socket = await websockets.connect(f"ws://{address}/graphql", subprotocols=[protocol])
    await socket.send(init(token))
    assert json.loads(await socket.recv())["type"] == "connection_ack"
    return socket


def start_message(protocol: str, ident: str, query: str, variables: Any = None) -> str:
    kind = "subscribe" if protocol == "graphql-transport-ws" else "start"
    payload = {"query": query, "variables": variables or {}}
    return json.dumps({"id": ident, "type": kind, "payload": payload})


@pytest.mark.parametrize(
    ("token", "code", "reason"),
    [(None, 4401, "Unauthorized"), ("not-a-token", 4403, "Forbidden")],
)
async def test_transport_ws_refuses_a_missing_or_bad_token(live_server, token, code, reason):
    url = f"ws://{live_server}/graphql"
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as socket:
        await socket.send(init(token))
        assert await messages_until_closed(socket) == []  # no connection_ack
        assert (socket.close_code, socket.close_reason) == (code, reason)


@pytest.mark.parametrize(("token", "code"), [(None, 4401), ("not-a-token", 4403)])
async def test_graphql_ws_gets_a_coded_connection_error(live_server, token, code):
    url = f"ws://{live_server}/graphql"
    async with websockets.connect(url, subprotocols=["graphql-ws"]) as socket:
        await socket.send(init(token))
        [error] = await messages_until_closed(socket)
        assert error["type"] == "connection_error"
        assert error["payload"]["extensions"]["code"] == "UNAUTHENTICATED"
        assert socket.close_code == code


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_valid_token_is_acknowledged(live_server, make_user, protocol):
    _, token = await make_user(Role.DS)
    socket = await admitted(live_server, token, protocol)
    await socket.close()


async def test_connections_per_token_are_limited(start_server, make_user):
    address = await start_server(ws_max_connections_per_token=2)
    _, token = await make_user(Role.DS)
    _, other = await make_user(Role.DS)
    first = await admitted(address, token)
    second = await admitted(address, token, "graphql-ws")
    async with websockets.connect(
        f"ws://{address}/graphql", subprotocols=["graphql-transport-ws"]
    ) as third:
        await third.send(init(token))
        assert await messages_until_closed(third) == []
        assert third.close_code == 1013
    (await admitted(address, other)).close_timeout = 1  # another token is not affected
    await first.close()
    await asyncio.sleep(0.2)  # the server sees the close
    again = await admitted(address, token)  # a freed place can be taken again
    for socket in (second, again):
        await socket.close()


async def test_connections_per_address_are_limited(start_server, make_user):
    address = await start_server(ws_max_connections_per_address=2)
    _, token = await make_user(Role.DS)
    url = f"ws://{address}/graphql"
    held = [await websockets.connect(url, subprotocols=["graphql-transport-ws"]) for _ in range(2)]
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as refused:
        assert await messages_until_closed(refused) == []
        assert refused.close_code == 1013
    await held[0].close()
    await asyncio.sleep(0.2)
    replacement = await admitted(address, token)
    for socket in (held[1], replacement):
        await socket.close()


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_socket_without_connection_init_is_closed(start_server, protocol):
    address = await start_server(ws_connection_init_timeout_seconds=0.3)
    async with websockets.connect(f"ws://{address}/graphql", subprotocols=[protocol]) as socket:
        assert await messages_until_closed(socket) == []
        assert socket.close_code == 4408


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_an_idle_socket_is_closed_and_a_subscribed_one_is_not(
    start_server, services, make_user, protocol
):
    address = await start_server(ws_idle_timeout_seconds=0.5)
    user, token = await make_user(Role.DS)
    experiment = await create_running(services, user, await create_hypothesis(services, user))
    idle = await admitted(address, token, protocol)
    busy = await admitted(address, token, protocol)
    query = "subscription($id: ID!) { experimentUpdated(id: $id) { id } }"
    await busy.send(start_message(protocol, "1", query, {"id": str(experiment.id)}))
    await messages_until_closed(idle)
    assert (idle.close_code, idle.close_reason) == (1000, "Idle")
    await asyncio.sleep(0.5)  # past the idle limit again: the subscribed socket stays
    assert busy.close_code is None
    await busy.close()


@pytest.mark.parametrize("uvicorn_limit", [True, False])
async def test_a_message_over_the_request_limit_closes_the_socket(
    start_server, make_user, uvicorn_limit
):
    """uvicorn refuses it under ``expsvc serve`` (``ws_max_size``); under a server with a
    larger limit, the application does."""
    server = None if uvicorn_limit else {"ws_max_size": 16 * 1024 * 1024}
    address = await start_server(server, max_request_bytes=4096)
    _, token = await make_user(Role.DS)
    socket = await admitted(address, token)
    mutation = 'mutation { logMessages(experimentId: "x", lines: [{message: "%s"}]) }'
    await socket.send(start_message("graphql-transport-ws", "1", mutation % ("a" * 5000)))
    assert await messages_until_closed(socket) == []
    assert socket.close_code == 1009


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_errors_on_websockets_carry_code_and_details(live_server, make_user, protocol):
    _, token = await make_user(Role.DS)
    socket = await admitted(live_server, token, protocol)
    subscription = (
        f'subscription {{ metricPoints(experimentId: "{MISSING}") {{ points {{ step }} }} }}'
    )
    await socket.send(start_message(protocol, "1", subscription))
    errors = await errors_of(socket, "1")
    assert [e["extensions"] for e in errors] == [{"code": "NOT_FOUND", "details": {"id": MISSING}}]
    if protocol == "graphql-transport-ws":  # graphql-ws carries subscriptions only
        query = f'query {{ experiment(id: "{MISSING}") {{ id }} }}'
        await socket.send(start_message(protocol, "2", query))
        errors = await errors_of(socket, "2")
        assert [e["extensions"]["code"] for e in errors] == ["NOT_FOUND"]
    await socket.send(start_message(protocol, "3", "subscription { nope }"))
    errors = await errors_of(socket, "3")
    assert [e["extensions"]["code"] for e in errors] == ["GRAPHQL_VALIDATION_FAILED"]
    await socket.send(start_message(protocol, "4", "subscription {"))
    errors = await errors_of(socket, "4")
    assert [e["extensions"]["code"] for e in errors] == ["GRAPHQL_PARSE_FAILED"]
    await socket.close()


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_the_subscription_cap_is_a_coded_error(start_server, make_user, protocol):
    address = await start_server(max_subscriptions_per_connection=2)
    _, token = await make_user(Role.DS)
    socket = await admitted(address, token, protocol)
    for ident in ("1", "2"):
        await socket.send(start_message(protocol, ident, "subscription { notifications { id } }"))
    await socket.send(start_message(protocol, "3", "subscription { notifications { id } }"))
    [error] = await errors_of(socket, "3")
    assert error["extensions"] == {"code": "RATE_LIMITED", "details": {"limit": 2}}
    await socket.close()


async def errors_of(socket: Any, ident: str) -> list[dict[str, Any]]:
    """The errors the server sends for operation ``ident`` (in a result or an error)."""
    async with asyncio.timeout(5):
        while True:
            message = json.loads(await socket.recv())
            if message.get("id") != ident:
                continue
            payload = message.get("payload")
            if message["type"] == "error":
                return payload if isinstance(payload, list) else [payload]
            if isinstance(payload, dict) and payload.get("errors"):
                return list(payload["errors"])


@pytest.mark.parametrize(
    ("query", "details"),
    [
        (
            "subscription($id: ID!) { metricPoints(experimentId: $id) { points { step } } }",
            {"lastSteps"},
        ),
        (
            "subscription($id: ID!) { runMonitor(experimentId: $id) { __typename } }",
            {"lastSeq", "lastSteps"},
        ),
    ],
)
async def test_lag_carries_the_position_to_resume_from(
    live_server, services, make_user, query, details
):
    """The last step delivered per key (and the last log seq, for the Run Monitor): where a
    client resubscribes from (``sinceStep``, ``after``)."""
    user, token = await make_user(Role.DS)
    experiment = await create_running(services, user, await create_hypothesis(services, user))
    previous = services.settings.subscription_queue_size
    services.settings.subscription_queue_size = 1
    try:
        socket = await admitted(live_server, token)
        await socket.send(
            start_message("graphql-transport-ws", "1", query, {"id": str(experiment.id)})
        )
        await asyncio.sleep(0.3)  # subscribed
        channel = experiment_channel(experiment.id)
        for step in range(200):  # without yielding: a 1-event queue cannot keep up
            event = {
                "type": "metrics",
                "seq": 10_000 + step,
                "keys": ["loss"],
                "steps": [step],
                "values": [1.0],
                "timestamps": [utcnow().isoformat()],
            }
            await services.broker.publish(channel, orjson.dumps(event))
        [error] = await errors_of(socket, "1")
        assert error["extensions"]["code"] == "SUBSCRIPTION_LAGGED"
        assert set(error["extensions"]["details"]) == details
        assert 0 <= error["extensions"]["details"]["lastSteps"]["loss"] < 200
        await socket.close()
    finally:
        services.settings.subscription_queue_size = previous
