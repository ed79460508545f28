"""Query cost: estimated from the document and the variables, refused over the limit."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from graphql import FragmentDefinitionNode, OperationDefinitionNode, get_introspection_query, parse

from app.config import Settings
from app.models.enums import Role
from schema.build import build_schema
from schema.cost import CostEstimator
from tests.graphql import error_codes, gql

LIMIT = Settings().query_max_cost

COMPARE_VIEW = """
query Compare($ids: [ID!]!, $max: Int = 500) {
  compareExperiments(ids: $ids) {
    experiments {
      id name status model tags createdAt durationSeconds owner { name }
      hypothesis { title owner { name } teamLead { name } observers { name } }
      progress { fraction } metricKeys
    }
    baselineId
    params { key values differs }
    metrics { key goal bestExperimentId cells { experimentId last min max best } }
    loss: series(key: "loss", maxPoints: $max) { ...History }
    acc: series(key: "acc", maxPoints: $max) { ...History }
    f1: series(key: "f1", maxPoints: $max) { ...History }
  }
}
fragment History on ComparedSeries {
  experimentId series { key totalPoints downsampled points { step value timestamp } }
}
"""

HUGE_SERIES = """
query($ids: [ID!]!, $max: Int) {
  compareExperiments(ids: $ids) {
    series(key: "loss", maxPoints: $max) { series { points { step } } }
  }
}
"""

PAGE = """
query($first: Int, $max: Int) {
  experiments(first: $first) {
    edges { node { id metric(key: "loss", maxPoints: $max) { points { step value } } } }
  }
}
"""


def ids(n: int) -> list[str]:
    return [str(uuid.uuid4()) for _ in range(n)]


def estimate(query: str, variables: dict[str, Any] | None = None) -> float:
    document = parse(query)
    schema = build_schema(Settings())._schema
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    [operation] = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return CostEstimator(schema, fragments, variables or {}).operation(operation)


def test_the_compare_view_of_50_experiments_fits_and_a_flood_of_points_does_not():
    view = estimate(COMPARE_VIEW, {"ids": ids(50)})
    assert 5_000 < view < 20_000
    assert estimate(HUGE_SERIES, {"ids": ids(100), "max": 10_000}) > 100_000 > LIMIT


def test_sizes_come_from_variables_variable_defaults_and_schema_defaults():
    small = estimate(PAGE, {"first": 10, "max": 100})
    # the connection, then per edge: the edge, its node, the metric, 100 points at 1/10
    assert small == pytest.approx(1 + 10 * (1 + 1 + 1 + 100 * 0.1))
    assert estimate(PAGE, {}) == pytest.approx(1 + 50 * (3 + 1000 * 0.1))  # schema defaults
    defaulted = PAGE.replace("$max: Int)", "$max: Int = 10)")
    assert estimate(defaulted, {"first": 10}) == pytest.approx(1 + 10 * (3 + 1))
    literal = """{ compareExperiments(ids: ["a", "b"]) {
        series(key: "loss", maxPoints: 20) { series { points { step } } } } }"""
    assert estimate(literal) == pytest.approx(1 + 2 * (1 + 1 + 20 * 0.1))


async def test_a_query_over_the_limit_is_refused_before_it_runs(client, make_user):
    _, token = await make_user(Role.DS)
    body = await gql(client, HUGE_SERIES, {"ids": ids(100), "max": 10_000}, token=token)
    assert error_codes(body) == ["QUERY_TOO_COMPLEX"]
    details = body["errors"][0]["extensions"]["details"]
    assert details["limit"] == LIMIT and details["cost"] > LIMIT
    assert body.get("data") is None


@pytest.mark.parametrize(
    ("variables", "refused"),
    [
        ({"first": 500, "max": 10_000}, True),
        ({"first": 500, "max": 1000}, True),
        ({"first": 50, "max": 1000}, False),
        ({"first": 500, "max": 10}, False),
    ],
)
async def test_variables_decide(client, make_user, variables, refused):
    _, token = await make_user(Role.DS)
    body = await gql(client, PAGE, variables, token=token)
    assert ("QUERY_TOO_COMPLEX" in error_codes(body)) is refused
    if not refused:
        assert body["data"]["experiments"]["edges"] == []


async def test_the_compare_view_is_accepted(client, make_user):
    _, token = await make_user(Role.DS)
    body = await gql(client, COMPARE_VIEW, {"ids": ids(50)}, token=token)
    assert error_codes(body) == ["NOT_FOUND"]  # past the limits, to the (unknown) ids
    body = await gql(client, COMPARE_VIEW, {"ids": ids(50), "max": 10_000}, token=token)
    assert error_codes(body) == ["QUERY_TOO_COMPLEX"]


def test_introspection_costs_nothing():
    assert estimate(get_introspection_query()) == 0


async def test_the_limit_is_the_setting():
    schema = build_schema(Settings(query_max_cost=10))
    result = await schema.execute("{ experiments(first: 20) { edges { node { id } } } }")
    assert result.errors and result.errors[0].extensions == {
        "code": "QUERY_TOO_COMPLEX",
        "details": {"cost": 41, "limit": 10},
    }
