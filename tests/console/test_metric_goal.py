"""``metricGoal(key)``: the goal a key is taken to have without one given, by the same
rule as ``compareExperiments`` (the console's leaderboard asks it instead of guessing)."""

from __future__ import annotations

import pytest

from app.compare.goals import default_goal
from app.models.enums import Role
from tests.graphql import error_codes, gql

METRIC_GOAL = "query($key: String!) { metricGoal(key: $key) }"


@pytest.mark.parametrize(
    ("key", "goal"),
    [
        ("val/loss", "MIN"),
        ("eval_rmse", "MIN"),
        ("valLoss", "MIN"),
        ("train/losses", "MIN"),
        ("perplexity", "MIN"),
        ("accuracy", "MAX"),
        ("lossless_ratio", "MAX"),
        ("reward", "MAX"),
    ],
)
async def test_a_signed_in_caller_gets_the_rule_of_compare(client, make_user, key, goal):
    _, token = await make_user(Role.DS)
    body = await gql(client, METRIC_GOAL, {"key": key}, token=token)
    assert body == {"data": {"metricGoal": goal}}
    assert default_goal(key).value == goal


async def test_without_a_token_it_is_refused(client):
    body = await gql(client, METRIC_GOAL, {"key": "val/loss"})
    assert error_codes(body) == ["UNAUTHENTICATED"]
