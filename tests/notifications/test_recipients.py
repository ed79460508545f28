"""Who hears about an experiment: the hypothesis owner, its team lead, its observers and
the experiment's owner, each exactly once, and nobody else."""

from __future__ import annotations

from collections import Counter

from app.models.enums import Role
from app.notifications.producer import recipients
from tests.builders import create_experiment, create_hypothesis, move
from tests.notifications.helpers import recipients_of


async def produce(services) -> None:
    await services.notifier.run_until_empty()


async def test_a_lone_owner_hears_once(services, make_user):
    owner, _ = await make_user(Role.DS)
    bystander, _ = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner)
    experiment = await create_experiment(services, owner, hypothesis)
    await move(services, owner, experiment, "start")
    await produce(services)
    assert await recipients_of(services, experiment.id, "EXPERIMENT_STARTED") == Counter(
        {owner.id: 1}
    )
    assert bystander.id not in await recipients_of(services, experiment.id, "EXPERIMENT_STARTED")


async def test_owner_lead_observers_and_experiment_owner_each_hear(services, make_user):
    owner, _ = await make_user(Role.DS)
    lead, _ = await make_user(Role.TL)
    first, _ = await make_user(Role.MLE)
    second, _ = await make_user(Role.DS)
    curator, _ = await make_user(Role.CURATOR)  # may run experiments of any hypothesis
    bystander, _ = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner, team_lead=lead, observers=[first, second])
    experiment = await create_experiment(services, curator, hypothesis)
    await move(services, curator, experiment, "start")
    await move(services, curator, experiment, "complete")
    await produce(services)
    everyone = {owner.id, lead.id, first.id, second.id, curator.id}
    for kind in ("EXPERIMENT_STARTED", "EXPERIMENT_COMPLETED"):
        assert await recipients_of(services, experiment.id, kind) == Counter(
            dict.fromkeys(everyone, 1)
        )
    assert bystander.id not in await recipients_of(services, experiment.id, "EXPERIMENT_STARTED")


async def test_the_team_lead_hears_about_an_experiment_of_an_observer(services, make_user):
    owner, _ = await make_user(Role.DS)
    lead, _ = await make_user(Role.TL)
    observer, _ = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner, team_lead=lead, observers=[observer])
    experiment = await create_experiment(services, observer, hypothesis)
    await move(services, observer, experiment, "stop")
    await produce(services)
    assert await recipients_of(services, experiment.id, "EXPERIMENT_STOPPED") == Counter(
        {owner.id: 1, lead.id: 1, observer.id: 1}
    )


async def test_someone_in_several_roles_hears_once(services, make_user):
    owner, _ = await make_user(Role.TL)
    other, _ = await make_user(Role.DS)
    # the owner leads their own hypothesis and observes it; ``other`` observes it and owns
    # the experiment
    hypothesis = await create_hypothesis(services, owner, team_lead=owner, observers=[owner, other])
    experiment = await create_experiment(services, other, hypothesis)
    await move(services, other, experiment, "start")
    await produce(services)
    assert await recipients_of(services, experiment.id, "EXPERIMENT_STARTED") == Counter(
        {owner.id: 1, other.id: 1}
    )
    async with services.db.reader() as session:
        assert sorted(map(str, await recipients(session, experiment.id))) == sorted(
            [str(owner.id), str(other.id)]
        )


async def test_the_experiment_owner_hears_about_their_own_run_in_a_team(services, make_user):
    owner, _ = await make_user(Role.DS)
    lead, _ = await make_user(Role.TL)
    hypothesis = await create_hypothesis(services, owner, team_lead=lead)
    experiment = await create_experiment(services, lead, hypothesis)
    await move(services, lead, experiment, "start")
    await move(services, lead, experiment, "fail")
    await produce(services)
    assert await recipients_of(services, experiment.id, "EXPERIMENT_FAILED") == Counter(
        {owner.id: 1, lead.id: 1}
    )
