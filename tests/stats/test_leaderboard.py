"""leaderboard on known data: experiments ranked by their best value of a metric (max for
MAX, min for MIN), equal values ranked by the earlier finish, with the step of the best."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.compare.goals import MetricGoal
from app.experiments.schemas import ExperimentFilterData
from app.models.enums import ExperimentStatus, Role
from app.stats.service import leaderboard
from tests.builders import create_experiment, create_hypothesis, move, start
from tests.graphql import error_codes, gql, ok
from tests.resources.helpers import log_metric, set_times

T0 = datetime(2026, 3, 1, tzinfo=UTC)
BOARD = """query($key: String!, $goal: MetricGoal, $filter: ExperimentFilter, $first: Int) {
  leaderboard(metricKey: $key, goal: $goal, filter: $filter, first: $first) {
    rank value step experiment { name status } } }"""
BOARD_DEFAULTS = """query($key: String!) { leaderboard(metricKey: $key) {
  rank value step experiment { name } } }"""

# name -> (accuracy points, val/loss points, finished at T0 + hours, or None: RUNNING)
DATA = {
    "e1": ([(0, 0.5), (10, 0.9), (20, 0.8)], [(0, 2.0), (10, 1.0), (20, 0.7)], 2),
    "e2": ([(0, 0.6), (5, 0.95)], [(0, 1.5), (5, 0.7)], 3),
    "e3": ([(0, 0.9), (100, 0.85), (200, float("inf"))], [(0, 3.0)], 1),
    "e4": ([], [(0, 0.1), (1, float("nan"))], 4),  # no accuracy at all
    "e5": ([(7, 0.9)], [], None),  # ties e1 and e3, but has not finished
    "e6": ([(0, float("nan"))], [], 5),  # only a NaN: no finite best
}


@pytest.fixture
async def board(services, make_user):
    owner, token = await make_user(Role.DS)
    other, _ = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner)
    for name, (accuracy, loss, finished) in DATA.items():
        experiment = await start(
            services, owner, await create_experiment(services, owner, hypothesis, name=name)
        )
        if accuracy:
            await log_metric(services, owner, experiment, "accuracy", accuracy, T0)
        if loss:
            await log_metric(services, owner, experiment, "val/loss", loss, T0)
        if finished is not None:
            await move(services, owner, experiment, "complete")
            await set_times(services, experiment.id, finished_at=T0 + timedelta(hours=finished))
    hidden = await start(
        services,
        other,
        await create_experiment(
            services, other, await create_hypothesis(services, other), name="hidden"
        ),
    )
    await log_metric(services, other, hidden, "accuracy", [(3, 0.99)], T0)
    return {"owner": owner, "token": token}


def ranked(entries):
    return [(e["rank"], e["experiment"]["name"], e["value"], e["step"]) for e in entries]


async def test_max_goal_ranks_the_highest_first_ties_by_earlier_finish(client, services, board):
    body = await ok(client, BOARD, {"key": "accuracy", "goal": "MAX"}, token=board["token"])
    assert ranked(body["leaderboard"]) == [
        (1, "e2", 0.95, 5),
        (2, "e3", 0.9, 0),  # finished at T0 + 1h; the infinity is not a best value
        (3, "e1", 0.9, 10),  # finished at T0 + 2h
        (4, "e5", 0.9, 7),  # still running: after every finished equal
    ]


async def test_min_goal_ranks_the_lowest_first(client, services, board):
    body = await ok(client, BOARD, {"key": "val/loss", "goal": "MIN"}, token=board["token"])
    assert ranked(body["leaderboard"]) == [
        (1, "e4", 0.1, 0),
        (2, "e1", 0.7, 20),  # equal to e2, finished an hour earlier
        (3, "e2", 0.7, 5),
        (4, "e3", 3.0, 0),
    ]


async def test_the_defaults_are_max_and_twenty(client, services, board):
    body = await ok(client, BOARD_DEFAULTS, {"key": "val/loss"}, token=board["token"])
    assert [e["experiment"]["name"] for e in body["leaderboard"]] == ["e3", "e1", "e2", "e4"]
    assert [e["value"] for e in body["leaderboard"]] == [3.0, 2.0, 1.5, 0.1]


async def test_first_and_filter(client, services, board):
    token = board["token"]
    top = await ok(client, BOARD, {"key": "accuracy", "first": 2}, token=token)
    assert [e["experiment"]["name"] for e in top["leaderboard"]] == ["e2", "e3"]
    assert (await ok(client, BOARD, {"key": "accuracy", "first": 0}, token=token))[
        "leaderboard"
    ] == []
    running = await ok(
        client, BOARD, {"key": "accuracy", "filter": {"status": ["RUNNING"]}}, token=token
    )
    assert ranked(running["leaderboard"]) == [(1, "e5", 0.9, 7)]
    assert running["leaderboard"][0]["experiment"]["status"] == "RUNNING"
    assert (await ok(client, BOARD, {"key": "no-such-key"}, token=token))["leaderboard"] == []


async def test_only_what_the_caller_may_read(services, board, make_user):
    curator, _ = await make_user(Role.CURATOR)
    async with services.db.reader() as session:
        mine = await leaderboard(session, actor=board["owner"], metric_key="accuracy")
        everything = await leaderboard(session, actor=curator, metric_key="accuracy")
        finished = await leaderboard(
            session,
            actor=curator,
            metric_key="accuracy",
            goal=MetricGoal.MIN,
            filter=ExperimentFilterData(status=[ExperimentStatus.COMPLETED]),
        )
    assert "hidden" not in [e.experiment.name for e in mine]
    assert [(e.rank, e.experiment.name, e.value) for e in everything][:2] == [
        (1, "hidden", 0.99),
        (2, "e2", 0.95),
    ]
    assert [(e.experiment.name, e.value, e.step) for e in finished] == [
        ("e1", 0.5, 0),
        ("e2", 0.6, 0),
        ("e3", 0.85, 100),
    ]


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"key": ""}, "metricKey"),
        ({"key": "   "}, "metricKey"),
        ({"key": "k" * 251}, "metricKey"),
        ({"key": "accuracy", "first": -1}, "first"),
        ({"key": "accuracy", "first": 501}, "first"),
    ],
)
async def test_arguments_are_validated(client, services, make_user, variables, field):
    _, token = await make_user(Role.DS)
    body = await gql(client, BOARD, variables, token=token)
    assert error_codes(body) == ["VALIDATION_FAILED"]
    assert field in body["errors"][0]["extensions"]["details"]["fields"]


async def test_the_leaderboard_needs_a_token(client, services):
    assert error_codes(await gql(client, BOARD, {"key": "accuracy"})) == ["UNAUTHENTICATED"]
