"""What a query may make the server build: the cost counts what fields can return (log
messages, JSON documents, unsized lists), and an answer past EXPSVC_MAX_RESPONSE_BYTES
stops being built and is refused with QUERY_TOO_COMPLEX."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse

from app.config import Settings
from schema import dataloaders
from schema.build import build_schema
from schema.context import Context
from schema.cost import CostEstimator
from schema.engine import fast_lists
from tests.builders import create_experiment
from tests.graphql import error_codes, gql
from tests.logs.helpers import append, running

LIMIT = Settings().query_max_cost


def aliased_pages(aliases: int, first: int) -> str:
    pages = " ".join(
        f"p{i}: logs(first: {first}) {{ lines {{ seq message }} }}" for i in range(aliases)
    )
    return f"query($id: ID!) {{ experiment(id: $id) {{ {pages} }} }}"


def estimate(query: str, variables: dict[str, Any] | None = None) -> float:
    document = parse(query)
    schema = build_schema(Settings())._schema
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    [operation] = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return CostEstimator(schema, fragments, variables or {}).operation(operation)


def test_a_log_message_costs_its_planning_size_and_a_page_of_5000_still_fits():
    assert estimate(aliased_pages(1, 5000)) == pytest.approx(1 + 1 + 5000 * (0.1 + 4))
    without_messages = aliased_pages(1, 5000).replace(" message", "")
    assert estimate(without_messages) == pytest.approx(2 + 5000 * 0.1)
    assert estimate(aliased_pages(20, 5000)) > 8 * LIMIT


def test_json_documents_and_artifact_lists_cost_what_they_can_hold():
    documents = "{ experiments(first: 500) { edges { node { config hyperparams } } } }"
    assert estimate(documents) == pytest.approx(1 + 500 * (1 + 1 + 4 + 4))
    artifacts = "{ experiments(first: 500) { edges { node { artifacts { id name } } } } }"
    assert estimate(artifacts) == pytest.approx(1 + 500 * (1 + 1 + 100))
    assert estimate(artifacts) > LIMIT


async def test_twenty_aliased_pages_of_log_lines_are_refused_before_anything_is_read(
    client, services, make_user, monkeypatch
):
    run = await running(services, make_user)
    reads: list[Any] = []
    real = dataloaders.read_pages

    async def counting(*args: Any, **kwargs: Any) -> Any:
        reads.append(args)
        return await real(*args, **kwargs)

    monkeypatch.setattr("schema.dataloaders.read_pages", counting)
    body = await gql(client, aliased_pages(20, 5000), {"id": str(run.id)}, token=run.token)
    assert error_codes(body) == ["QUERY_TOO_COMPLEX"]
    assert body["errors"][0]["extensions"]["details"]["cost"] > LIMIT
    assert body.get("data") is None and reads == []
    # one such page is fine
    body = await gql(client, aliased_pages(1, 5000), {"id": str(run.id)}, token=run.token)
    assert "errors" not in body and len(reads) == 1


@pytest.fixture
async def big_lines(services, make_user):
    """A run with 40 log lines of 10,000 characters (400 KB of messages)."""
    run = await running(services, make_user)
    await append(services, run.user, run.id, [{"message": "x" * 10_000} for _ in range(40)])
    return run


async def run_capped(
    services: Any, run: Any, query: str, cap: int, ident: Any = None, tricks: bool | None = None
) -> Any:
    """The query on a schema with the cap (and the tricks as given, else as the run has
    them)."""
    tricks = Settings().graphql_engine_tricks if tricks is None else tricks
    schema = build_schema(Settings(max_response_bytes=cap, graphql_engine_tricks=tricks))
    context = Context(services=services, token=run.token)
    return await schema.execute(query, {"id": str(ident or run.id)}, context_value=context)


async def test_an_answer_past_the_cap_is_refused_whole(services, big_lines):
    query = aliased_pages(1, 100)
    result = await run_capped(services, big_lines, query, cap=1_000_000)
    assert result.errors is None
    assert len(result.data["experiment"]["p0"]["lines"]) == 40
    result = await run_capped(services, big_lines, query, cap=100_000)
    assert result.data is None
    assert [error.extensions for error in result.errors] == [
        {"code": "QUERY_TOO_COMPLEX", "details": {"limit": 100_000}}
    ]


async def test_once_past_the_cap_no_further_list_is_built(services, big_lines, monkeypatch):
    """Five pages of 400 KB against a 500 KB cap: the second page passes it, and the
    other three are not built at all."""
    built: list[int] = []
    real = fast_lists._build

    def counting(plan: Any, items: Any, is_awaitable: Any) -> Any:
        result = real(plan, items, is_awaitable)
        built.append(len(items))
        return result

    monkeypatch.setattr(fast_lists, "_build", counting)
    result = await run_capped(services, big_lines, aliased_pages(5, 100), cap=500_000, tricks=True)
    assert error_codes({"errors": [e.formatted for e in result.errors or []]}) == [
        "QUERY_TOO_COMPLEX"
    ]
    assert result.data is None and built == [40, 40]


async def test_leaves_count_too(services, big_lines):
    """Leaves completed one by one by graphql-core (not the fast path for lists) count by
    their value: here JSON documents of 100 KB."""
    config = {"blob": "y" * 100_000}
    experiments = [
        await create_experiment(services, big_lines.user, big_lines.hypothesis, config=config)
        for _ in range(3)
    ]
    query = "query($id: ID!) { experiment(id: $id) { config } }"
    fits = await run_capped(services, big_lines, query, cap=150_000, ident=experiments[0].id)
    assert fits.errors is None and fits.data["experiment"]["config"] == config
    many = " ".join(
        f'e{i}: experiment(id: "{e.id}") {{ config }}' for i, e in enumerate(experiments)
    )
    result = await run_capped(services, big_lines, f"{{ {many} }}", cap=150_000)
    assert result.data is None
    assert result.errors and [e.extensions for e in result.errors] == [
        {"code": "QUERY_TOO_COMPLEX", "details": {"limit": 150_000}}
    ]
