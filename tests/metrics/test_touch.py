"""The metric batch's activity touch (one prepared statement on PostgreSQL) gives the answers
of the SQLAlchemy touch built from ``experiment_actable`` (what log lines and SQLite use),
for every role and relation to the experiment."""

from __future__ import annotations

import pytest

from app.errors import DomainError
from app.experiments.activity import touch_running, touch_running_for_metrics
from app.models.base import utcnow
from app.models.enums import Role
from tests.builders import create_experiment, create_hypothesis, create_running


async def outcome(services, touch, actor, experiment_id) -> str:
    """``ok`` or the error code; the transaction is rolled back either way."""
    async with services.db.sessions() as session:
        try:
            await touch(session, actor=actor, experiment_id=experiment_id, now=utcnow())
        except DomainError as exc:
            return type(exc).__name__
        finally:
            await session.rollback()
    return "ok"


async def metrics_touch(session, **kwargs):
    return await touch_running_for_metrics(session, **kwargs)


async def sqlalchemy_touch(session, **kwargs):
    return await touch_running(session, what="metrics", **kwargs)


@pytest.fixture
async def cast(services, make_user):
    owner, _ = await make_user(Role.DS)
    lead, _ = await make_user(Role.TL)
    people = {
        "owner": owner,
        "lead": lead,
        "other_ds": (await make_user(Role.DS))[0],
        "other_tl": (await make_user(Role.TL))[0],
        "mle": (await make_user(Role.MLE))[0],
        "curator": (await make_user(Role.CURATOR))[0],
        "admin": (await make_user(Role.ADMIN))[0],
    }
    hypothesis = await create_hypothesis(services, owner, team_lead=lead)
    running = await create_running(services, owner, hypothesis)
    queued = await create_experiment(services, owner, hypothesis)
    return people, running.id, queued.id


async def test_same_answers_for_every_role(services, cast):
    people, running, queued = cast
    answers = {}
    for name, person in people.items():
        for experiment_id in (running, queued):
            fast = await outcome(services, metrics_touch, person, experiment_id)
            slow = await outcome(services, sqlalchemy_touch, person, experiment_id)
            assert fast == slow, (name, experiment_id == running)
            answers[name, experiment_id == running] = fast
    assert answers["owner", True] == "ok"
    assert answers["lead", True] == "ok"
    assert answers["other_ds", True] != "ok"
    assert answers["owner", False] == "InvalidTransition"


async def test_each_batch_gets_the_next_sequence_number(services, cast):
    people, running, _ = cast
    async with services.db.unit_of_work() as session:
        first = await touch_running_for_metrics(
            session, actor=people["owner"], experiment_id=running, now=utcnow()
        )
    async with services.db.unit_of_work() as session:
        second = await touch_running_for_metrics(
            session, actor=people["owner"], experiment_id=running, now=utcnow()
        )
    assert second == first + 1
