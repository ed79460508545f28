"""``schema/engine``: its speed tricks change no answer, and are off on other versions."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from app.config import Settings
from schema.build import build_schema
from schema.context import Context
from schema.engine import tricks_on, versions
from schema.engine.shared_events import SharedEventExecutor
from schema.engine.validation_cache import CachedValidation, PlainValidation
from tests.graphql import LOG_METRICS, metric_points
from tests.logs.helpers import append, running


@pytest.fixture
def installed_versions(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str | None]]:
    """The versions the engine finds installed, as the test sets them (checked anew)."""
    found: dict[str, str | None] = dict.fromkeys(versions.WRITTEN_FOR)
    real = versions.installed
    found.update({name: real(name) for name in found})
    monkeypatch.setattr(versions, "installed", found.get)
    versions.installed_match.cache_clear()
    yield found
    versions.installed_match.cache_clear()


def test_the_versions_pinned_are_the_ones_installed():
    assert versions.mismatches() == {}
    assert versions.check() is True


def test_another_minor_is_a_mismatch_a_patch_is_not(caplog: pytest.LogCaptureFixture):
    same = {"graphql-core": "3.3.9", "strawberry-graphql": "0.341.0"}
    assert versions.check(same) is True
    with caplog.at_level(logging.WARNING, logger="schema.engine"):
        assert versions.check({"graphql-core": "3.4.0", "strawberry-graphql": None}) is False
    [record] = caplog.records
    assert "graphql-core 3.4.0 (written for 3.3.x)" in record.getMessage()
    assert "strawberry-graphql None (written for 0.341.x)" in record.getMessage()


def test_on_other_versions_the_schema_is_built_without_the_tricks(
    installed_versions: dict[str, str | None], caplog: pytest.LogCaptureFixture
):
    with caplog.at_level(logging.WARNING, logger="schema.engine"):
        assert tricks_on(build_schema(Settings(graphql_engine_tricks=True)))
        installed_versions["strawberry-graphql"] = "0.342.0"
        versions.installed_match.cache_clear()
        schema = build_schema(Settings(graphql_engine_tricks=True))
    assert not tricks_on(schema)
    assert not issubclass(schema.execution_context_class, SharedEventExecutor)
    assert ["strawberry-graphql 0.342.0" in r.getMessage() for r in caplog.records] == [True]


async def test_on_other_versions_the_service_answers_on_the_plain_path(
    installed_versions: dict[str, str | None], services, make_user
):
    installed_versions["graphql-core"] = "3.4.0"
    versions.installed_match.cache_clear()
    run = await a_run(services, make_user)
    schema = build_schema(Settings(graphql_engine_tricks=True))
    assert not tricks_on(schema)
    result = await execute(schema, run, METRIC, {"max": 10})
    assert result["experiment"]["metric"]["points"] == []


def test_the_setting_turns_them_off():
    off = build_schema(Settings(graphql_engine_tricks=False))
    on = build_schema(Settings(graphql_engine_tricks=True))  # built last: plain inputs on
    assert tricks_on(on) and not tricks_on(off)
    assert issubclass(on.execution_context_class, SharedEventExecutor)
    assert not issubclass(off.execution_context_class, SharedEventExecutor)
    assert CachedValidation in [type(make()) for make in on.extensions if callable(make)]
    assert PlainValidation in off.extensions
    # the response size cap is no trick: both have it
    assert on.execution_context_class.max_bytes == off.execution_context_class.max_bytes


async def execute(
    schema: Any, run: Run, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The answer as a client gets it: ``data``, or ``data`` and the formatted errors."""
    context = Context(services=run.services, token=run.token)
    result = await schema.execute(query, {"id": str(run.id), **(variables or {})}, context)
    errors = [error.formatted for error in result.errors or []]
    return {"data": result.data, "errors": errors} if errors else result.data


@dataclass
class Run:
    services: Any
    token: str
    id: Any


async def a_run(services: Any, make_user: Any, log: list[str] | None = None) -> Run:
    """A running experiment of a new user, with ``log`` as its log lines."""
    run = await running(services, make_user)
    if log:
        await append(services, run.user, run.id, [{"message": m} for m in log])
    return Run(services, run.token, run.id)


METRIC = """query($id: ID!, $max: Int) { experiment(id: $id) {
  metric(key: "loss", maxPoints: $max) { key totalPoints downsampled
    points { step value timestamp __typename } }
  metricSummaries { key last lastStep min max count }
} }"""

REPRESENTATIVE = [
    (METRIC, {"max": 10_000}),
    (METRIC, {"max": 50}),  # downsampled
    (
        """query($id: ID!) { compareExperiments(ids: [$id]) {
          series(key: "loss", maxPoints: 100) { experimentId
            series { key points { s: step v: value timestamp } } }
          metrics { key goal cells { last min max best } } } }""",
        None,
    ),
    (
        """query($id: ID!) { experiment(id: $id) { ...F logs(first: 50) { lines {
          seq level message } } } }
        fragment F on Experiment { id name status tags metricKeys }""",
        None,
    ),
    # limits: depth, aliases, cost, an invalid document, a variable of the wrong type
    (
        "query($id: ID!) { experiment(id: $id) { parent { parent { parent { parent { parent "
        "{ parent { parent { parent { parent { parent { parent { id } } } } } } } } } } } } }",
        None,
    ),
    (
        "query($id: ID!) { experiment(id: $id) { "
        + " ".join(f"a{i}: id" for i in range(60))
        + " } }",
        None,
    ),
    (
        "query($id: ID!) { experiment(id: $id) { "
        + " ".join(f"p{i}: logs(first: 5000) {{ lines {{ message }} }}" for i in range(20))
        + " } }",
        None,
    ),
    ("query($id: ID!) { experiment(id: $id) { nope } }", None),
    (METRIC, {"max": "many"}),
]


async def test_answers_are_the_same_with_the_tricks_and_without(services, make_user, client):
    run = await a_run(services, make_user, ["one", "two", "three"])
    headers = {"Authorization": f"Bearer {run.token}"}
    url = f"/api/v1/experiments/{run.id}/metrics/batch"
    values: list[Any] = [0.5 / (1 + s) for s in range(3000)]
    values[7], values[2999] = "NaN", "Infinity"
    body = {"key": "loss", "steps": list(range(3000)), "values": values}
    assert (await client.post(url, json=body, headers=headers)).status_code == 202
    off = build_schema(Settings(graphql_engine_tricks=False))
    on = build_schema(Settings(graphql_engine_tricks=True))  # built last: plain inputs on
    for query, variables in REPRESENTATIVE:
        plain = await execute(off, run, query, variables)
        assert await execute(on, run, query, variables) == plain
        assert await execute(on, run, query, variables) == plain  # cached and kept answers
    points = (await execute(on, run, METRIC, {"max": 10_000}))["experiment"]["metric"]["points"]
    assert len(points) == 3000 and points[7]["value"] is None and points[2999]["value"] is None
    codes = [
        [e["extensions"].get("code") for e in (await execute(on, run, q, v)).get("errors", [])]
        for q, v in REPRESENTATIVE[4:]
    ]
    assert codes == [["QUERY_TOO_COMPLEX"]] * 3 + [["GRAPHQL_VALIDATION_FAILED"]] * 2


async def test_a_large_batch_is_taken_the_same_either_way(services, make_user):
    run = await a_run(services, make_user)
    off = build_schema(Settings(graphql_engine_tricks=False))
    on = build_schema(Settings(graphql_engine_tricks=True))
    # over the inline limits: coerced and converted in worker threads with the tricks
    first = await execute(off, run, LOG_METRICS, {"points": metric_points(1500)})
    second = await execute(on, run, LOG_METRICS, {"points": metric_points(1500, 1500)})
    assert first == second == {"logMetrics": 1500}
    bad = [{"key": "loss", "value": "x", "step": 1}] * 1200
    assert await execute(on, run, LOG_METRICS, {"points": bad}) == await execute(
        off, run, LOG_METRICS, {"points": bad}
    )
    answer = await execute(on, run, METRIC, {"max": 10_000})
    assert [p["step"] for p in answer["experiment"]["metric"]["points"]] == list(range(3000))


async def test_an_answer_past_the_response_cap_is_refused_either_way(services, make_user):
    run = await a_run(services, make_user, ["x" * 5000] * 40)
    capped = Settings(max_response_bytes=300_000)
    query = """query($id: ID!) { experiment(id: $id) {
      a: logs(first: 40) { lines { message } } b: logs(first: 40) { lines { message } } } }"""
    answers = [
        await execute(
            build_schema(capped.model_copy(update={"graphql_engine_tricks": t})), run, query
        )
        for t in (False, True)
    ]
    assert answers[0] == answers[1]
    assert answers[0]["data"] is None
    assert answers[0]["errors"][0]["extensions"] == {
        "code": "QUERY_TOO_COMPLEX",
        "details": {"limit": 300_000},
    }
