"""The GPU queue live: when the scheduler moves a waiting experiment up, its
``experimentUpdated`` feed and the live lists (``experimentsChanged``) hear of it, with
the new position."""

from __future__ import annotations

import asyncio

from app.events.names import EXPERIMENTS_CHANNEL, experiment_channel
from app.live.experiments import experiment_changes, experiment_updates
from app.models.enums import Role
from app.resources import queue, starting
from app.resources.scheduler import QueueScheduler
from app.services import Services
from tests.builders import create_hypothesis
from tests.live.test_list_progress import RecordingBroker, quiet_relay  # noqa: F401
from tests.resources.helpers import add_pool, gpu_experiment


async def test_a_position_moving_up_is_an_update(services, make_user, quiet_relay):  # noqa: F811
    ann, _ = await make_user(Role.DS, name="ann")
    hypothesis = await create_hypothesis(services, ann)
    await add_pool(services, "live-q", "L4L", 1)
    holder, first, second = [
        await gpu_experiment(services, ann, hypothesis, 1, gpu_type="L4L", name=f"run-{i}")
        for i in range(3)
    ]
    for row in (holder, first, second):
        await starting.start(services, actor=ann, experiment_id=row.id)
    broker = RecordingBroker()
    ours = Services(settings=services.settings, db=services.db, broker=broker)
    scheduler = QueueScheduler(ours)
    await scheduler.run_pass()  # the first plan: estimates for both

    updates = experiment_updates(ours, actor=ann, experiment_id=second.id)
    changes = experiment_changes(ours, actor=ann)
    next_update = asyncio.ensure_future(anext(updates))
    next_change = asyncio.ensure_future(anext(changes))
    try:
        await broker.until_opened(2)
        async with services.db.unit_of_work() as session:
            await queue.dequeue(session, actor=ann, experiment_id=first.id)
        await scheduler.run_pass()
        updated = await asyncio.wait_for(next_update, 10)
        assert updated.id == second.id and updated.queue_position == 1
        change = await asyncio.wait_for(next_change, 10)
        assert change.kind == "UPDATED" and change.experiment.id == second.id
        assert change.experiment.queue_position == 1
        queue_events = [
            (channel, event["experiment_id"])
            for channel, event in broker.published
            if event.get("type") == "queue"
        ]
        assert (experiment_channel(second.id), str(second.id)) in queue_events
        assert (EXPERIMENTS_CHANNEL, str(second.id)) in queue_events
    finally:
        next_update.cancel()
        next_change.cancel()
        await updates.aclose()
        await changes.aclose()
        await ours.live.stop()
        await ours.store.close()
