"""Large variables are coerced in a worker thread, with the same answer and the same
errors as inline; large batches are converted off the loop the same way."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from graphql.execution import executor as graphql_executor

from app import offload
from app.config import Settings
from app.models.enums import Role
from schema.build import build_schema
from schema.engine import variable_coercion
from tests.builders import create_hypothesis, create_running
from tests.graphql import LOG_MESSAGES, LOG_METRICS, error_codes, gql
from tests.graphql import metric_points as points


class Coercions:
    """Where variables were coerced: by our thread hand-over, or by graphql-core's
    ``build`` itself (on the loop)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.threaded: list[threading.Thread] = []
        self.inline: list[threading.Thread] = []
        real_threaded = variable_coercion.get_variable_values
        real_inline = graphql_executor.get_variable_values

        def threaded(*args: Any, **kwargs: Any) -> Any:
            self.threaded.append(threading.current_thread())
            return real_threaded(*args, **kwargs)

        def inline(schema: Any, definitions: Any, *args: Any, **kwargs: Any) -> Any:
            if definitions:  # variables to coerce (not the thread's stripped operation)
                self.inline.append(threading.current_thread())
            return real_inline(schema, definitions, *args, **kwargs)

        monkeypatch.setattr(variable_coercion, "get_variable_values", threaded)
        monkeypatch.setattr(graphql_executor, "get_variable_values", inline)


@pytest.mark.engine_tricks
async def test_large_variables_are_coerced_in_a_worker_thread_once(
    client, services, make_user, monkeypatch
):
    user, token = await make_user(Role.MLE)
    experiment = await create_running(services, user, await create_hypothesis(services, user))
    seen = Coercions(monkeypatch)
    loop_thread = threading.current_thread()

    body = await gql(
        client, LOG_METRICS, {"id": str(experiment.id), "points": points(1200)}, token=token
    )
    assert body == {"data": {"logMetrics": 1200}}
    assert len(seen.threaded) == 1 and seen.threaded[0] is not loop_thread
    assert seen.inline == []  # the executor's build took the thread's answer

    small = await gql(
        client, LOG_METRICS, {"id": str(experiment.id), "points": points(10, 5000)}, token=token
    )
    assert small == {"data": {"logMetrics": 10}}
    assert len(seen.threaded) == 1 and seen.inline == [loop_thread]


@pytest.mark.engine_tricks
async def test_a_large_log_batch_is_validated_off_the_loop(
    client, services, make_user, monkeypatch
):
    user, token = await make_user(Role.MLE)
    experiment = await create_running(services, user, await create_hypothesis(services, user))
    handed_over: list[Any] = []  # the functions run in a worker thread
    real = offload.asyncio.to_thread

    async def to_thread(fn: Any, *args: Any, **kwargs: Any) -> Any:
        handed_over.append(fn)
        return await real(fn, *args, **kwargs)

    monkeypatch.setattr(offload.asyncio, "to_thread", to_thread)
    lines = [{"message": f"line {i}"} for i in range(1200)]
    body = await gql(client, LOG_MESSAGES, {"id": str(experiment.id), "lines": lines}, token=token)
    assert body == {"data": {"logMessages": 1200}}
    assert [fn.__name__ for fn in handed_over] == ["coerce", "_resolver", "parse_lines"]


@pytest.mark.parametrize(
    "bad",
    [
        {"index": 700, "field": "value", "value": "abc"},
        {"index": 1100, "field": "step", "value": -1.5},
        {"index": 3, "field": "key", "value": None},
    ],
)
async def test_coercion_errors_are_the_inline_ones(monkeypatch, bad):
    schema = build_schema(Settings())
    raw = points(1500)
    raw[bad["index"]][bad["field"]] = bad["value"]
    for extra in range(60):  # more errors than graphql-core reports (50)
        raw[800 + extra]["value"] = "x"
    variables = {"id": "00000000-0000-0000-0000-000000000000", "points": raw}

    threaded = await schema.execute(LOG_METRICS, variable_values=variables)
    monkeypatch.setattr(variable_coercion, "INLINE_VARIABLE_ITEMS", 10**9)
    inline = await schema.execute(LOG_METRICS, variable_values=variables)

    assert threaded.data is None and inline.data is None
    assert [e.formatted for e in threaded.errors or []] == [
        e.formatted for e in inline.errors or []
    ]
    assert len(threaded.errors or []) == 51  # 50 and "Too many errors"


async def test_coercion_errors_over_http_keep_their_codes(client, make_user, monkeypatch):
    _, token = await make_user(Role.MLE)
    raw = points(1500)
    raw[1400]["value"] = "abc"
    threaded = await gql(client, LOG_METRICS, {"id": "x", "points": raw}, token=token)
    monkeypatch.setattr(variable_coercion, "INLINE_VARIABLE_ITEMS", 10**9)
    inline = await gql(client, LOG_METRICS, {"id": "x", "points": raw}, token=token)
    assert threaded == inline
    assert threaded["data"] is None and error_codes(threaded) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "$points" in threaded["errors"][0]["message"]
