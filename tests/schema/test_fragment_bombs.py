"""Fragments cannot multiply a small document into a huge walk: every static check is
linear in the document's size, and a fragment bomb is refused before any rule walks it.

The bomb: ``fragment F<k> on User { ...F<k-1> ...F<k-1> }`` 40 levels deep is 1.4 KB and
2^41 fields written out. Each test runs under ``call_budget``: a walker that expands every
spread again makes 2^40 calls, so with such a walker these tests fail at the budget (in
well under a second) instead of hanging.
"""

from __future__ import annotations

import pytest
from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse

from app.config import Settings
from app.models.enums import Role
from schema.build import build_schema
from schema.cost import CostEstimator
from schema.limits import DocumentShapes, ShapeLimits, shape_errors
from tests.call_budget import call_budget
from tests.graphql import error_codes, gql

BUDGET = 5000  # calls in the validation code for one request; the bomb needs ~300


def bomb(levels: int, root: str = "{me{...F%d}}", on: str = "User", leaf: str = "id name") -> str:
    """The issue's document: ``{me{...F40}} fragment F0 on User{id name} …``."""
    fragments = [f"fragment F0 on {on}{{{leaf}}}"] + [
        f"fragment F{i} on {on}{{...F{i - 1} ...F{i - 1}}}" for i in range(1, levels + 1)
    ]
    return (root % levels) + " " + " ".join(fragments)


def test_the_shape_of_a_bomb_is_measured_once_per_fragment():
    document = parse(bomb(40))
    assert len(document.loc.source.body) < 1500
    with call_budget(BUDGET) as calls:
        [operation] = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        shape = DocumentShapes(document).of(operation.selection_set)
    assert shape.fields == 2**41 + 1 and shape.depth == 2 and shape.aliases == 0
    assert calls.count < 500
    errors = shape_errors(document, ShapeLimits(max_depth=12, max_aliases=50, max_fields=5000))
    assert [e.extensions for e in errors] == [
        {"code": "QUERY_TOO_COMPLEX", "details": {"fields": 2**41 + 1, "limit": 5000}}
    ]


def test_aliases_in_a_spread_fragment_count_each_time_and_cycles_count_nothing():
    aliased = bomb(3, leaf="a: id b: name")
    shapes = DocumentShapes(parse(aliased))
    assert shapes.shapes["F3"].aliases == 2 * 2**3 and shapes.shapes["F3"].fields == 2 * 2**3
    # the spread closing a cycle adds nothing (NoFragmentCyclesRule reports the cycle)
    cyclic = parse("{ me { ...A } } fragment A on User { id ...B } fragment B on User { ...A }")
    assert {name: shape.fields for name, shape in DocumentShapes(cyclic).shapes.items()} == {
        "A": 1,  # id, and B measured first (its spread of A closing the cycle: nothing)
        "B": 0,
    }


def test_a_long_chain_of_fragments_is_measured_without_recursion():
    chain = "{ me { ...F600 } } fragment F0 on User { id } " + " ".join(
        f"fragment F{i} on User {{ ...F{i - 1} }}" for i in range(1, 601)
    )
    shapes = DocumentShapes(parse(chain, max_tokens=None))
    assert shapes.shapes["F600"].fields == 1


def test_the_cost_of_a_fragment_is_worked_out_once_per_sizing_context():
    """A bomb of list fields, as costed when the shape limits are set high (the shape
    check normally refuses it first): the estimate is still exact and linear."""
    query = bomb(
        30,
        root="{ experiments(first: 10) { edges { node { ...F%d } } } }",
        on="Experiment",
        leaf='metric(key: "loss", maxPoints: 100) { points { step } }',
    )
    document = parse(query)
    schema = build_schema(Settings())._schema
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    [operation] = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    with call_budget(BUDGET):
        estimator = CostEstimator(schema, fragments, {})
        cost = estimator.operation(operation)
    per_metric = 1 + 100 * 0.1
    assert cost == pytest.approx(1 + 10 * 2 + 10 * 2**30 * per_metric)
    assert estimator.visits < 200


async def test_a_40_level_fragment_bomb_is_refused_over_http_without_a_token(client):
    with call_budget(BUDGET) as calls:
        body = await gql(client, bomb(40))
    assert error_codes(body) == ["QUERY_TOO_COMPLEX"], body
    assert body["errors"][0]["extensions"]["details"] == {"fields": 2**41 + 1, "limit": 5000}
    assert body.get("data") is None
    assert calls.count < 1000


async def test_a_bomb_of_object_lists_is_refused_whoever_asks(client, make_user):
    _, token = await make_user(Role.ADMIN)
    query = bomb(40, root="{ experiments { edges { node { ...F%d } } } }", on="Experiment")
    with call_budget(BUDGET):
        body = await gql(client, query, token=token)
    assert error_codes(body) == ["QUERY_TOO_COMPLEX"], body


async def test_documents_under_the_limits_still_validate_in_full(client, make_user):
    user, token = await make_user(Role.DS)
    body = await gql(client, bomb(3), token=token)
    assert body == {"data": {"me": {"id": str(user.id), "name": user.name}}}
    body = await gql(client, bomb(3, leaf="id nope"), token=token)
    assert error_codes(body) == ["GRAPHQL_VALIDATION_FAILED"]


async def test_the_fields_limit_is_the_setting():
    query = bomb(2, root="{...F%d}", on="Query", leaf="__typename")  # 4 fields written out
    refused = await build_schema(Settings(query_max_fields=3)).execute(query)
    assert refused.errors and refused.errors[0].extensions == {
        "code": "QUERY_TOO_COMPLEX",
        "details": {"fields": 4, "limit": 3},
    }
    result = await build_schema(Settings(query_max_fields=4)).execute(query)
    assert result.errors is None and result.data == {"__typename": "Query"}
