"""A large batch's input objects are converted in a worker thread, with the answer and
the errors of the inline conversion; small ones stay on the loop."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import strawberry
from strawberry.schema import schema_converter

from app.config import Settings
from app.models.enums import Role
from schema.build import build_schema
from schema.engine import threaded_arguments
from schema.engine.threaded_arguments import convert_large_arguments_in_threads
from tests.builders import create_hypothesis, create_running
from tests.graphql import LOG_MESSAGES, LOG_METRICS, error_codes, gql
from tests.graphql import metric_points as points


@pytest.fixture
def conversions(monkeypatch) -> list[threading.Thread]:
    """The thread of each top-level argument conversion strawberry makes."""
    threads: list[threading.Thread] = []
    real = schema_converter.convert_arguments

    def convert(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(schema_converter, "convert_arguments", convert)
    return threads


@pytest.fixture
async def running(services, make_user):
    user, token = await make_user(Role.MLE)
    experiment = await create_running(services, user, await create_hypothesis(services, user))
    return token, str(experiment.id)


@pytest.mark.engine_tricks
async def test_large_metric_batches_are_converted_in_a_worker_thread(client, running, conversions):
    token, ident = running
    loop_thread = threading.current_thread()
    body = await gql(client, LOG_METRICS, {"id": ident, "points": points(1200)}, token=token)
    assert body == {"data": {"logMetrics": 1200}}
    assert len(conversions) == 1 and conversions[0] is not loop_thread

    small = await gql(client, LOG_METRICS, {"id": ident, "points": points(5, 9000)}, token=token)
    assert small == {"data": {"logMetrics": 5}}
    assert conversions[1:] == [loop_thread]


@pytest.mark.engine_tricks
async def test_large_log_batches_given_inline_are_converted_in_a_worker_thread(
    client, running, conversions
):
    """Arguments written in the query text (no variables) take the same path: 900 lines
    of one field are 1,800 values, within the 5,000 tokens a text may hold."""
    token, ident = running
    literal = ", ".join(f'{{message: "line {i}"}}' for i in range(900))
    query = f'mutation {{ logMessages(experimentId: "{ident}", lines: [{literal}]) }}'
    body = await gql(client, query, token=token)
    assert body == {"data": {"logMessages": 900}}
    assert len(conversions) == 1 and conversions[0] is not threading.current_thread()


async def test_threaded_and_inline_answers_are_the_same(client, running, monkeypatch):
    token, ident = running
    bad = points(1200, 20_000)
    bad[1150]["step"] = 2**62  # refused by the resolver's own rules, after conversion
    threaded = await gql(client, LOG_METRICS, {"id": ident, "points": bad}, token=token)
    monkeypatch.setattr(threaded_arguments, "INLINE_VARIABLE_ITEMS", 10**9)
    inline = await gql(client, LOG_METRICS, {"id": ident, "points": bad}, token=token)
    assert threaded == inline
    assert error_codes(threaded) == ["VALIDATION_FAILED"]

    lines = [{"message": f"line {i}", "level": "INFO"} for i in range(1200)]
    accepted = await gql(client, LOG_MESSAGES, {"id": ident, "lines": lines}, token=token)
    assert accepted == {"data": {"logMessages": 1200}}


async def test_a_caller_without_a_token_is_refused_after_a_threaded_conversion(client, running):
    _, ident = running
    body = await gql(client, LOG_METRICS, {"id": ident, "points": points(1200)})
    assert body["data"] is None and error_codes(body) == ["UNAUTHENTICATED"]


def test_only_plain_resolvers_returning_awaitables_can_be_wrapped():
    @strawberry.type
    class Query:
        @strawberry.field
        async def late(self, values: list[int]) -> int:
            return len(values)

        @strawberry.field
        def plain(self, values: list[int]) -> int:
            return len(values)

    schema = strawberry.Schema(query=Query)
    with pytest.raises(TypeError, match="plain function returning an awaitable"):
        convert_large_arguments_in_threads(schema._schema, [("Query", "late")])
    with pytest.raises(KeyError, match=r"Query\.missing"):
        convert_large_arguments_in_threads(schema._schema, [("Query", "missing")])
    convert_large_arguments_in_threads(schema._schema, [("Query", "plain")])


def test_the_service_schema_wraps_its_bulk_mutations():
    core = build_schema(Settings(graphql_engine_tricks=True))._schema
    mutation = core.mutation_type
    assert mutation is not None
    wrapped = {
        name
        for name, field in mutation.fields.items()
        if getattr(field.resolve, "__name__", "") == "resolve_large"
    }
    assert wrapped == {"logMetrics", "logMessages"}
