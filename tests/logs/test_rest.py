"""Logs over REST: POST a batch, GET filtered pages, and the text download."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
import pytest
from openapi_spec_validator import validate
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount

from app.events.broker import Subscription
from app.events.names import experiment_channel
from app.models.enums import Role
from app.rest import logs as rest_logs
from app.rest.endpoints import build_routes
from app.rest.errors import EXCEPTION_HANDLERS, CatchAllMiddleware
from app.rest.openapi import openapi_document
from app.rest.routes import endpoint_table
from app.services import Services
from tests.builders import create_experiment, create_hypothesis
from tests.logs.helpers import append, running, stored
from tests.rest.helpers import API, bearer, error_of


def local_app(services: Services) -> Starlette:
    """The log endpoints alone, mounted as the REST app mounts them."""
    rest = Starlette(
        routes=build_routes(rest_logs.ENDPOINTS, services),
        middleware=[Middleware(CatchAllMiddleware)],
        exception_handlers=EXCEPTION_HANDLERS,
    )
    return Starlette(routes=[Mount(API, app=rest)])


def wired() -> bool:
    return any(endpoint.handler is rest_logs.post_logs for endpoint in endpoint_table())


@pytest.fixture
async def api(services, app) -> AsyncIterator[httpx.AsyncClient]:
    """The real app once the routes are wired in, the log endpoints alone until then."""
    target = app if wired() else local_app(services)
    transport = httpx.ASGITransport(app=target, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@pytest.fixture
async def run(services, make_user):
    return await running(services, make_user, Role.DS)


def url(experiment_id: uuid.UUID | str) -> str:
    return f"{API}/experiments/{experiment_id}/logs"


async def test_post_then_get(api, run, services):
    body = {
        "lines": [
            {"level": "INFO", "message": "epoch 1"},
            {
                "level": "warning",
                "message": "slow step",
                "source": "stderr",
                "timestamp": "2026-01-01T00:00:00Z",
            },
            {"message": "epoch 2", "timestamp": 1767225601000},
        ]
    }
    response = await api.post(url(run.id), json=body, headers=bearer(run.token))
    assert (response.status_code, response.json()) == (202, {"accepted": 3})
    answer = (await api.get(url(run.id), headers=bearer(run.token))).json()
    assert answer["next_after"] == 3 and answer["has_more"] is False
    assert [line["seq"] for line in answer["lines"]] == [1, 2, 3]
    assert answer["lines"][1] == {
        "seq": 2,
        "timestamp": "2026-01-01T00:00:00+00:00",
        "level": "WARNING",
        "message": "slow step",
        "source": "stderr",
    }
    assert answer["lines"][2]["timestamp"] == "2026-01-01T00:00:01+00:00"


async def test_get_filters_like_graphql(api, run, services):
    items = [
        {"level": level, "message": f"{level.lower()} {n}"}
        for n in range(3)
        for level in ("DEBUG", "INFO", "ERROR")
    ]
    await append(services, run.user, run.id, items)
    headers = bearer(run.token)

    async def seqs(**params: Any) -> tuple[list[int], Any, Any]:
        response = await api.get(url(run.id), params=params, headers=headers)
        assert response.status_code == 200, response.text
        answer = response.json()
        return [line["seq"] for line in answer["lines"]], answer["next_after"], answer["has_more"]

    assert await seqs(levels="ERROR") == ([3, 6, 9], 9, False)
    assert await seqs(levels="error,debug", limit=3) == ([1, 3, 4], 4, True)
    assert await seqs(levels=["DEBUG", "INFO"], after=4, limit=2) == ([5, 7], 7, True)
    assert await seqs(search="INFO 2") == ([8], 8, False)
    assert await seqs(after=9) == ([], 9, False)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 5001}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"after": -1}, "after"),
        ({"levels": "LOUD"}, "levels.0"),
        ({"format": "csv"}, "format"),
        ({"colour": "red"}, "colour"),
    ],
)
async def test_bad_query_parameters(api, run, params, field):
    response = await api.get(url(run.id), params=params, headers=bearer(run.token))
    assert response.status_code == 422
    assert field in error_of(response)["details"]["fields"]


async def test_post_rules(api, run, services):
    headers = bearer(run.token)
    bad = {"lines": [{"message": "fine"}, {"level": "LOUD", "message": "x"}, {"source": "tty"}]}
    response = await api.post(url(run.id), json=bad, headers=headers)
    assert response.status_code == 422
    assert set(error_of(response)["details"]["fields"]) == {
        "lines.1.level",
        "lines.2.message",
        "lines.2.source",
    }
    for body in ({"lines": []}, {}, [], {"lines": [{"message": "x"}], "more": 1}):
        response = await api.post(url(run.id), json=body, headers=headers)
        assert error_of(response)["code"] == "VALIDATION_FAILED", body
    response = await api.post(url(run.id), content=b"{not json", headers=headers)
    assert error_of(response)["code"] == "VALIDATION_FAILED"
    old, services.settings.logs_max_batch_lines = services.settings.logs_max_batch_lines, 3
    try:
        response = await api.post(
            url(run.id), json={"lines": [{"message": "x"}] * 4}, headers=headers
        )
        assert (response.status_code, error_of(response)["code"]) == (413, "PAYLOAD_TOO_LARGE")
    finally:
        services.settings.logs_max_batch_lines = old
    assert await stored(services, run.id) == []


async def test_who_may_post_and_get(api, run, services, make_user):
    observer, observer_token = await make_user(Role.DS)
    _, stranger_token = await make_user(Role.MLE)
    hypothesis = await create_hypothesis(services, run.user, observers=[observer])
    queued = await create_experiment(services, run.user, hypothesis)
    body = {"lines": [{"message": "x"}]}

    async def code(token: str, experiment_id: Any, method: str = "POST") -> str:
        if method == "POST":
            response = await api.post(url(experiment_id), json=body, headers=bearer(token))
        else:
            response = await api.get(url(experiment_id), headers=bearer(token))
        return str(error_of(response)["code"])

    assert await code(run.token, queued.id) == "INVALID_TRANSITION"
    assert await code(observer_token, queued.id) == "FORBIDDEN"
    assert await code(stranger_token, queued.id) == "NOT_FOUND"
    assert await code(stranger_token, queued.id, "GET") == "NOT_FOUND"
    assert await code(run.token, "not-a-uuid") == "NOT_FOUND"
    response = await api.get(url(queued.id), headers=bearer(observer_token))
    assert response.json() == {"lines": [], "next_after": None, "has_more": False}
    assert (await api.post(url(run.id), json=body)).status_code == 401
    text = await api.get(url(run.id), params={"format": "text"}, headers=bearer(stranger_token))
    assert (text.status_code, error_of(text)["code"]) == (404, "NOT_FOUND")


async def next_logs_event(subscription: Subscription) -> dict[str, Any]:
    """The next ``logs`` event (the channel also carries relayed lifecycle events)."""
    while True:
        _, message = await subscription.get()
        event: dict[str, Any] = orjson.loads(message)
        if event.get("type") == "logs":
            return event


async def test_an_accepted_batch_is_published_live(api, run, services):
    subscription = await services.broker.open(experiment_channel(run.id))
    body = {"lines": [{"message": "a"}, {"level": "ERROR", "message": "b", "source": "stderr"}]}
    try:
        response = await api.post(url(run.id), json=body, headers=bearer(run.token))
        assert response.status_code == 202
        event = await asyncio.wait_for(next_logs_event(subscription), 5)
    finally:
        await subscription.close()
    assert event["experiment_id"] == str(run.id)
    assert [
        (line["seq"], line["level"], line["message"], line["source"]) for line in event["lines"]
    ] == [(1, "INFO", "a", "stdout"), (2, "ERROR", "b", "stderr")]
    assert event["lines"][0]["timestamp"].endswith("+00:00")


class HangingBroker:
    """A broker whose publish hangs until released."""

    def __init__(self) -> None:
        self.released = asyncio.Event()

    async def publish(self, channel: str, message: bytes) -> None:
        await self.released.wait()

    async def open(self, *channels: str, queue_size: int = 1000) -> Any:
        raise NotImplementedError

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        return None


async def test_a_hanging_broker_never_slows_ingestion(run, services):
    broker = HangingBroker()
    slow = Services(settings=services.settings, db=services.db, broker=broker)
    transport = httpx.ASGITransport(app=local_app(slow), raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            started = time.monotonic()
            for n in range(5):
                response = await client.post(
                    url(run.id), json={"lines": [{"message": f"m{n}"}]}, headers=bearer(run.token)
                )
                assert response.status_code == 202
            assert time.monotonic() - started < 1.5  # the broker's timeout alone is 2 s
    finally:
        broker.released.set()
        await slow.live.stop()
    assert len(await stored(services, run.id)) == 5


async def test_the_text_download_headers_and_format(api, run, services):
    await append(
        services,
        run.user,
        run.id,
        [
            {"message": "hello", "timestamp": "2026-01-01T00:00:00Z"},
            {
                "level": "ERROR",
                "message": "bad: ünïcödé",
                "source": "stderr",
                "timestamp": "2026-01-01T00:00:01.5Z",
            },
        ],
    )
    response = await api.get(url(run.id), params={"format": "text"}, headers=bearer(run.token))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="experiment-{run.id}.log"'
    )
    assert response.content.decode("utf-8").splitlines() == [
        "2026-01-01T00:00:00.000000+00:00 INFO [stdout] hello",
        "2026-01-01T00:00:01.500000+00:00 ERROR [stderr] bad: ünïcödé",
    ]
    errors = await api.get(
        url(run.id), params={"format": "TEXT", "levels": "ERROR"}, headers=bearer(run.token)
    )
    assert errors.text.count("\n") == 1 and "[stderr]" in errors.text


def test_the_endpoints_are_documented():
    document = openapi_document([*rest_logs.ENDPOINTS], title="t", version="1")
    validate(document)
    operations = document["paths"]["/experiments/{id}/logs"]
    assert operations["post"]["operationId"] == "post_logs"
    assert operations["get"]["operationId"] == "get_logs"
    assert {"413", "409", "403", "404", "422"} <= set(operations["post"]["responses"])
    names = {parameter["name"] for parameter in operations["get"]["parameters"]}
    assert names == {"id", "after", "levels", "search", "limit", "format"}
