"""Idempotent log batches: a batch_id seen before stores nothing and answers the first count.

Over REST (``POST /experiments/{id}/logs`` with ``batch_id``), GraphQL (``logMessages``
with ``batchId``) and the use case itself, on each backend.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import orjson
import pytest
from sqlalchemy import func, select

from app.errors import InvalidTransition, NotFound
from app.events.broker import Subscription
from app.events.names import experiment_channel
from app.models import log_batches
from app.models.enums import Role
from tests.builders import create_hypothesis, create_running, move
from tests.compare.helpers import count_statements
from tests.graphql import error_codes, gql
from tests.logs.helpers import Run, append_batch, running, stored
from tests.rest.helpers import API, bearer, error_of

LOG = """mutation($id: ID!, $lines: [LogLineInput!]!, $batchId: String) {
  logMessages(experimentId: $id, lines: $lines, batchId: $batchId) }"""

BAD_BATCH_IDS = ["", "x" * 129, "nul\x00", 5, ["b-1"], {"id": "b-1"}]


@pytest.fixture
async def run(services, make_user) -> Run:
    return await running(services, make_user, Role.DS)


def url(experiment_id: uuid.UUID | str) -> str:
    return f"{API}/experiments/{experiment_id}/logs"


def lines(*messages: str) -> list[dict[str, Any]]:
    return [{"message": message} for message in messages]


async def messages(services, experiment_id: uuid.UUID) -> list[tuple[int, str]]:
    return [(row.seq, row.message) for row in await stored(services, experiment_id)]


async def claims(services) -> int:
    async with services.db.reader() as session:
        return int(await session.scalar(select(func.count()).select_from(log_batches)) or 0)


async def post(client, run: Run, body: dict[str, Any], token: str | None = None) -> Any:
    return await client.post(url(run.id), json=body, headers=bearer(token or run.token))


async def log_messages(client, run: Run, token: str | None = None, **variables: Any) -> Any:
    return await gql(client, LOG, {"id": str(run.id), **variables}, token=token or run.token)


# --- REST ----------------------------------------------------------------------------


async def test_rest_a_retried_batch_is_stored_once_and_answers_the_first_answer(
    client, run, services
):
    first = await post(client, run, {"lines": lines("a", "b"), "batch_id": "b-1"})
    assert (first.status_code, first.json()) == (202, {"accepted": 2})
    for body in (
        {"lines": lines("a", "b"), "batch_id": "b-1"},
        {"lines": lines("other", "lines", "entirely"), "batch_id": "b-1"},
    ):
        again = await post(client, run, body)
        assert (again.status_code, again.json()) == (202, {"accepted": 2})
    assert await messages(services, run.id) == [(1, "a"), (2, "b")]
    other = await post(client, run, {"lines": lines("c"), "batch_id": "b-2"})
    assert other.json() == {"accepted": 1}
    plain = await post(client, run, {"lines": lines("d")})
    assert plain.json() == {"accepted": 1}
    assert await messages(services, run.id) == [(1, "a"), (2, "b"), (3, "c"), (4, "d")]
    assert await claims(services) == 2


async def test_rest_a_refused_batch_claims_nothing(client, run, services, make_user):
    bad = await post(client, run, {"lines": [{"message": "x", "level": "LOUD"}], "batch_id": "b"})
    assert (bad.status_code, error_of(bad)["code"]) == (422, "VALIDATION_FAILED")
    observer, observer_token = await make_user(Role.DS)
    _, stranger_token = await make_user(Role.MLE)
    watched = await create_hypothesis(services, run.user, observers=[observer])
    shared = await create_running(services, run.user, watched)
    body = {"lines": lines("by the owner"), "batch_id": "b"}
    refused = await client.post(url(shared.id), json=body, headers=bearer(observer_token))
    assert error_of(refused)["code"] == "FORBIDDEN"
    refused = await client.post(url(shared.id), json=body, headers=bearer(stranger_token))
    assert error_of(refused)["code"] == "NOT_FOUND"
    assert await claims(services) == 0
    for target in (run.id, shared.id):  # the same batch_id, now valid and by the owner
        response = await client.post(
            url(target),
            json={"lines": lines("fine", "too"), "batch_id": "b"},
            headers=bearer(run.token),
        )
        assert response.json() == {"accepted": 2}
    assert await messages(services, run.id) == [(1, "fine"), (2, "too")]
    assert await messages(services, shared.id) == [(1, "fine"), (2, "too")]


@pytest.mark.parametrize("batch_id", BAD_BATCH_IDS)
async def test_rest_a_bad_batch_id_is_a_validation_error(client, run, services, batch_id):
    response = await post(client, run, {"lines": lines("x"), "batch_id": batch_id})
    assert (response.status_code, error_of(response)["code"]) == (422, "VALIDATION_FAILED")
    assert list(error_of(response)["details"]["fields"]) == ["batch_id"]
    assert await stored(services, run.id) == []
    assert await claims(services) == 0


async def test_rest_a_batch_id_of_128_characters_or_null_is_taken(client, run, services):
    longest = await post(client, run, {"lines": lines("a"), "batch_id": "x" * 128})
    assert longest.json() == {"accepted": 1}
    none = await post(client, run, {"lines": lines("b"), "batch_id": None})
    assert none.json() == {"accepted": 1}
    assert await claims(services) == 1


async def test_rest_a_stopped_experiment_refuses_logs_saying_so(client, run, services):
    await post(client, run, {"lines": lines("a"), "batch_id": "b-1"})
    await move(services, run.user, run.experiment, "stop")
    for body in ({"lines": lines("late")}, {"lines": lines("a"), "batch_id": "b-1"}):
        response = await post(client, run, body)
        assert response.status_code == 409
        error = error_of(response)
        assert (error["code"], error["details"]["status"]) == ("INVALID_TRANSITION", "STOPPED")
    assert await messages(services, run.id) == [(1, "a")]


async def next_logs_event(subscription: Subscription) -> dict[str, Any]:
    """The next ``logs`` event (the channel also carries relayed lifecycle events)."""
    while True:
        _, message = await asyncio.wait_for(subscription.get(), 5)
        event: dict[str, Any] = orjson.loads(message)
        if event.get("type") == "logs":
            return event


async def test_a_retried_batch_is_not_published_again(client, run, services):
    subscription = await services.broker.open(experiment_channel(run.id))
    try:
        await post(client, run, {"lines": lines("a"), "batch_id": "b-1"})
        await post(client, run, {"lines": lines("a"), "batch_id": "b-1"})
        await log_messages(client, run, lines=lines("a"), batchId="b-1")
        await post(client, run, {"lines": lines("b"), "batch_id": "b-2"})
        first = await next_logs_event(subscription)
        second = await next_logs_event(subscription)
    finally:
        await subscription.close()
    # events go out in the order of the requests: a retry's event would come before b-2's
    assert [line["message"] for line in first["lines"]] == ["a"]
    assert [(line["seq"], line["message"]) for line in second["lines"]] == [(2, "b")]


# --- GraphQL -------------------------------------------------------------------------


async def test_graphql_a_retried_batch_is_stored_once_and_answers_the_first_answer(
    client, run, services
):
    first = await log_messages(client, run, lines=lines("a", "b"), batchId="g")
    assert first == {"data": {"logMessages": 2}}
    again = await log_messages(client, run, lines=lines("x", "y", "z"), batchId="g")
    assert again == {"data": {"logMessages": 2}}
    other = await log_messages(client, run, lines=lines("c"), batchId="h")
    assert other == {"data": {"logMessages": 1}}
    assert await messages(services, run.id) == [(1, "a"), (2, "b"), (3, "c")]
    # one batch id space per experiment, whichever transport sent it
    rest = await post(client, run, {"lines": lines("again"), "batch_id": "g"})
    assert rest.json() == {"accepted": 2}
    assert await claims(services) == 2


async def test_graphql_a_refused_batch_claims_nothing(client, run, services, make_user):
    bad = await log_messages(client, run, lines=[{"message": "x", "source": "tty"}], batchId="g")
    assert error_codes(bad) == ["VALIDATION_FAILED"]
    _, stranger_token = await make_user(Role.MLE)
    refused = await log_messages(client, run, token=stranger_token, lines=lines("x"), batchId="g")
    assert error_codes(refused) == ["NOT_FOUND"]
    assert await claims(services) == 0
    good = await log_messages(client, run, lines=lines("fine", "too"), batchId="g")
    assert good == {"data": {"logMessages": 2}}
    assert await messages(services, run.id) == [(1, "fine"), (2, "too")]


@pytest.mark.parametrize("batch_id", ["", "x" * 129, "nul\x00"])
async def test_graphql_a_bad_batch_id_is_a_validation_error(client, run, services, batch_id):
    body = await log_messages(client, run, lines=lines("x"), batchId=batch_id)
    assert error_codes(body) == ["VALIDATION_FAILED"]
    assert list(body["errors"][0]["extensions"]["details"]["fields"]) == ["batchId"]
    body = await log_messages(client, run, lines=lines("x"), batchId=5)
    assert error_codes(body) == ["GRAPHQL_VALIDATION_FAILED"]  # not a String: the schema's
    assert await stored(services, run.id) == []
    assert await claims(services) == 0


async def test_graphql_a_stopped_experiment_refuses_logs_saying_so(client, run, services):
    await move(services, run.user, run.experiment, "stop")
    body = await log_messages(client, run, lines=lines("late"), batchId="g")
    assert error_codes(body) == ["INVALID_TRANSITION"]
    assert body["errors"][0]["extensions"]["details"]["status"] == "STOPPED"


# --- the use case --------------------------------------------------------------------


async def test_concurrent_retries_of_one_batch_store_it_once(services, run):
    results = await asyncio.gather(
        *(append_batch(services, run.user, run.id, lines("a", "b", "c"), "b-1") for _ in range(8))
    )
    assert [result.accepted for result in results] == [3] * 8
    assert sum(bool(result.rows) for result in results) == 1
    assert await messages(services, run.id) == [(1, "a"), (2, "b"), (3, "c")]


async def test_an_unknown_experiment_is_not_found_and_claims_nothing(services, run):
    with pytest.raises(NotFound):
        await append_batch(services, run.user, uuid.uuid4(), lines("a"), "b-1")
    assert await claims(services) == 0


async def test_a_retry_after_the_run_ended_is_refused_like_any_batch(services, run):
    await append_batch(services, run.user, run.id, lines("a"), "b-1")
    await move(services, run.user, run.experiment, "complete")
    with pytest.raises(InvalidTransition) as refused:
        await append_batch(services, run.user, run.id, lines("a"), "b-1")
    assert refused.value.details == {"status": "COMPLETED"}


async def test_a_batch_id_costs_one_statement_and_none_costs_nothing(services, run):
    with count_statements(services) as plain:
        await append_batch(services, run.user, run.id, lines("a"))
    with count_statements(services) as keyed:
        await append_batch(services, run.user, run.id, lines("b"), "b-1")
    assert not any("log_batches" in statement for statement in plain.statements)
    assert keyed.count == plain.count + 1
    assert sum("log_batches" in statement for statement in keyed.statements) == 1
