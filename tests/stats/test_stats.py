"""experimentStats on known data: counts by status and failure reason, success rate, mean
duration of finished runs, total and mean cost (live GPU cost included), within what the
caller may read and the filter."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.experiments.schemas import ExperimentFilterData
from app.models.enums import ExperimentStatus, FailureReason, Role
from app.stats.service import experiment_stats
from tests.builders import create_experiment, create_hypothesis, move, start
from tests.graphql import error_codes, gql, ok
from tests.resources.helpers import gpu_experiment, reservation_of, set_times

STATS = """query($filter: ExperimentFilter) { experimentStats(filter: $filter) {
  total byStatus byFailureReason successRate avgDurationSeconds totalCost avgCost } }"""

NO_FAILURES = {reason.value: 0 for reason in FailureReason}
NO_STATUSES = {status.value: 0 for status in ExperimentStatus}


@pytest.fixture
async def known(services, make_user):
    """Nine experiments of one DS (and one of someone else, invisible to them):

    | name | status | duration s | cost |
    | c1 | COMPLETED | 100 | 1.0 API + 2.0 GPU |
    | c2 | COMPLETED | 300 | 0 |
    | f1 | FAILED OOM | 200 | 0.5 API |
    | f2 | FAILED OOM | 400 | 0 |
    | f3 | FAILED LOGGING_TIMEOUT | 600 | 0 |
    | s1 | STOPPED while running | 500 | 0 |
    | s2 | STOPPED while queued | - | 0 |
    | q1 | QUEUED | - | 0 |
    | r1 | RUNNING, 2 x A100 for an hour at ``now`` | - | 5.0 GPU (live) |
    """
    owner, token = await make_user(Role.DS)
    other, other_token = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner, title="mine")
    theirs = await create_hypothesis(services, other, title="theirs")

    async def finished(name, end, duration, **values):
        experiment = await create_experiment(services, owner, hypothesis, name=name)
        await move(services, owner, experiment, "start")
        if end == "fail":
            await move(services, owner, experiment, "fail", reason=values.pop("reason"))
        else:
            await move(services, owner, experiment, end)
        await set_times(services, experiment.id, duration_seconds=duration, **values)
        return experiment

    await finished("c1", "complete", 100.0, api_cost=1.0, gpu_cost=2.0)
    await finished("c2", "complete", 300.0)
    await finished("f1", "fail", 200.0, reason=FailureReason.OOM, api_cost=0.5)
    await finished("f2", "fail", 400.0, reason=FailureReason.OOM)
    await finished("f3", "fail", 600.0, reason=FailureReason.LOGGING_TIMEOUT)
    await finished("s1", "stop", 500.0)
    s2 = await create_experiment(services, owner, hypothesis, name="s2")
    await move(services, owner, s2, "stop")
    await create_experiment(services, owner, hypothesis, name="q1", tags=["queued"])
    r1 = await start(
        services, owner, await gpu_experiment(services, owner, hypothesis, 2, name="r1")
    )
    reservation = await reservation_of(services, r1.id)
    assert reservation is not None

    elsewhere = await create_experiment(services, other, theirs, name="theirs")
    await move(services, other, elsewhere, "start")
    await move(services, other, elsewhere, "complete")
    await set_times(services, elsewhere.id, duration_seconds=1000.0, api_cost=100.0)
    return {
        "owner": owner,
        "token": token,
        "other_token": other_token,
        "hypothesis": hypothesis,
        "now": reservation.reserved_at + timedelta(hours=1),
    }


EXPECTED = {
    "total": 9,
    "by_status": {"QUEUED": 1, "RUNNING": 1, "COMPLETED": 2, "FAILED": 3, "STOPPED": 2},
    "by_failure_reason": {**NO_FAILURES, "OOM": 2, "LOGGING_TIMEOUT": 1},
    "success_rate": 2 / 7,
    "avg_duration_seconds": 350.0,  # (100 + 300 + 200 + 400 + 600 + 500) / 6
    "total_cost": 8.5,  # 3.0 + 0.5 + 5.0
    "avg_cost": 8.5 / 9,
}


async def test_the_numbers_on_known_data(services, known):
    async with services.db.reader() as session:
        stats = await experiment_stats(session, actor=known["owner"], now=known["now"])
    assert stats.total == EXPECTED["total"]
    assert stats.by_status == EXPECTED["by_status"]
    assert stats.by_failure_reason == EXPECTED["by_failure_reason"]
    assert stats.success_rate == pytest.approx(EXPECTED["success_rate"])
    assert stats.avg_duration_seconds == pytest.approx(EXPECTED["avg_duration_seconds"])
    assert stats.total_cost == pytest.approx(EXPECTED["total_cost"])
    assert stats.avg_cost == pytest.approx(EXPECTED["avg_cost"], abs=1e-6)


async def test_the_running_cost_grows_with_the_clock(services, known):
    async with services.db.reader() as session:
        later = await experiment_stats(
            session, actor=known["owner"], now=known["now"] + timedelta(minutes=30)
        )
    assert later.total_cost == pytest.approx(8.5 + 2.5)  # half an hour more of 2 x 2.5/h


async def test_over_graphql(client, services, known):
    stats = (await ok(client, STATS, {}, token=known["token"]))["experimentStats"]
    assert stats["total"] == 9
    assert stats["byStatus"] == EXPECTED["by_status"]
    assert stats["byFailureReason"] == EXPECTED["by_failure_reason"]
    assert stats["successRate"] == pytest.approx(2 / 7)
    assert stats["avgDurationSeconds"] == pytest.approx(350.0)
    # r1 started moments ago: its live GPU cost is small but counted
    assert 3.5 <= stats["totalCost"] < 3.6
    assert stats["avgCost"] == pytest.approx(stats["totalCost"] / 9, abs=1e-6)


async def test_the_filter_narrows_what_is_counted(client, services, known):
    token = known["token"]
    failed = (await ok(client, STATS, {"filter": {"status": ["FAILED"]}}, token=token))[
        "experimentStats"
    ]
    assert failed["total"] == 3
    assert failed["byStatus"] == {**NO_STATUSES, "FAILED": 3}
    assert failed["byFailureReason"] == {**NO_FAILURES, "OOM": 2, "LOGGING_TIMEOUT": 1}
    assert failed["successRate"] == 0.0
    assert failed["avgDurationSeconds"] == pytest.approx(400.0)
    assert failed["totalCost"] == pytest.approx(0.5)
    assert failed["avgCost"] == pytest.approx(0.5 / 3, abs=1e-6)

    completed = (await ok(client, STATS, {"filter": {"search": "c"}}, token=token))[
        "experimentStats"
    ]
    assert completed["total"] == 2
    assert completed["successRate"] == 1.0
    assert completed["avgDurationSeconds"] == pytest.approx(200.0)
    assert completed["totalCost"] == pytest.approx(3.0)

    queued = (await ok(client, STATS, {"filter": {"tags": ["queued"]}}, token=token))[
        "experimentStats"
    ]
    assert queued["total"] == 1
    assert queued["successRate"] is None, "nothing finished"
    assert queued["avgDurationSeconds"] is None
    assert queued["totalCost"] == 0.0
    assert queued["avgCost"] == 0.0


async def test_nothing_visible_gives_zeros_and_nulls(client, services, make_user):
    _, token = await make_user(Role.DS)
    stats = (await ok(client, STATS, {}, token=token))["experimentStats"]
    assert stats == {
        "total": 0,
        "byStatus": NO_STATUSES,
        "byFailureReason": NO_FAILURES,
        "successRate": None,
        "avgDurationSeconds": None,
        "totalCost": 0.0,
        "avgCost": None,
    }


async def test_visibility(services, known, make_user):
    curator, _ = await make_user(Role.CURATOR)
    async with services.db.reader() as session:
        everyone = await experiment_stats(session, actor=curator, now=known["now"])
        theirs = await experiment_stats(
            session,
            actor=curator,
            filter=ExperimentFilterData(search="theirs"),
            now=known["now"],
        )
    assert everyone.total == 10
    assert everyone.by_status["COMPLETED"] == 3
    assert everyone.success_rate == pytest.approx(3 / 8)
    assert everyone.avg_duration_seconds == pytest.approx(3100 / 7)
    assert everyone.total_cost == pytest.approx(108.5)
    assert theirs.total == 1 and theirs.total_cost == pytest.approx(100.0)


async def test_stats_need_a_token_and_a_valid_filter(client, services, known):
    assert error_codes(await gql(client, STATS, {})) == ["UNAUTHENTICATED"]
    bad = await gql(client, STATS, {"filter": {"hypothesisId": "nope"}}, token=known["token"])
    assert error_codes(bad) == ["VALIDATION_FAILED"]
