"""Progress in the live lists: a progress report reaches ``experimentsChanged`` as an
UPDATED of the experiment, for the subscribers whose filter matches it and who may read it,
at most once per ``LIST_PROGRESS_INTERVAL_SECONDS`` per experiment (the latest kept)."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest

from app.events.broker import InProcessBroker, Subscription
from app.events.live import LivePublisher
from app.events.names import EXPERIMENTS_CHANNEL
from app.experiments import service as experiments
from app.experiments.events import publish_progress
from app.experiments.schemas import ExperimentFilterData, ProgressData
from app.live.experiments import experiment_changes
from app.models import Experiment, User
from app.models.enums import Role
from app.services import Services
from tests.builders import create_experiment, create_hypothesis, move


@pytest.fixture
async def quiet_relay(services):
    """The session's relay paused (a live server may have started it): lifecycle events
    stay in the outbox, so the feeds here hear progress only."""
    running = services.relay.running
    await services.relay.stop()
    yield
    if running:
        services.relay.start()


class RecordingBroker(InProcessBroker):
    """Keeps what was published, and counts the subscriptions opened."""

    def __init__(self) -> None:
        super().__init__()
        self.published: list[tuple[str, dict[str, Any]]] = []
        self.opens = 0
        self.opened = asyncio.Condition()

    async def publish(self, channel: str, message: bytes) -> None:
        self.published.append((channel, orjson.loads(message)))
        await super().publish(channel, message)

    async def open(self, *channels: str, queue_size: int = 1000) -> Subscription:
        subscription = await super().open(*channels, queue_size=queue_size)
        async with self.opened:
            self.opens += 1
            self.opened.notify_all()
        return subscription

    async def until_opened(self, count: int) -> None:
        async with self.opened:
            await asyncio.wait_for(self.opened.wait_for(lambda: self.opens >= count), 10)


async def test_throttled_publishing_sends_the_first_at_once_then_the_latest() -> None:
    broker = RecordingBroker()
    live = LivePublisher(broker)
    try:
        for n in range(3):
            live.publish_throttled("c", "k", {"n": n}, 0.2)
        live.publish_throttled("c", "other", {"n": "other"}, 0.2)
        await live.flush()
        assert [event for _, event in broker.published] == [{"n": 0}, {"n": "other"}]
        await asyncio.sleep(0.3)  # the interval ends: the folded events go out as one
        await live.flush()
        assert [event for _, event in broker.published] == [
            {"n": 0},
            {"n": "other"},
            {"n": 2},
        ]
        await asyncio.sleep(0.3)  # nothing was left waiting
        live.publish_throttled("c", "k", {"n": 3}, 0.2)  # a quiet key goes out at once
        await live.flush()
        assert [event for _, event in broker.published][3:] == [{"n": 3}]
    finally:
        await live.stop()


async def report(
    services: Services, ours: Services, actor: User, row: Experiment, step: int
) -> None:
    data = ProgressData(step=step, total_steps=100)
    async with services.db.unit_of_work() as session:
        await experiments.report_progress(session, actor=actor, experiment_id=row.id, data=data)
    publish_progress(ours.live, row.id, data)


async def test_a_progress_report_updates_the_rows_that_match(
    services, make_user, quiet_relay
) -> None:
    ann, _ = await make_user(Role.DS, name="ann")
    stranger, _ = await make_user(Role.DS, name="stranger")
    hypothesis = await create_hypothesis(services, ann)
    elsewhere = await create_hypothesis(services, stranger)
    llama = await create_experiment(services, ann, hypothesis, name="llama run", model="llama")
    bert = await create_experiment(services, ann, hypothesis, name="bert run", model="bert")
    theirs = await create_experiment(services, stranger, elsewhere, name="theirs", model="llama")
    for owner, row in ((ann, llama), (ann, bert), (stranger, theirs)):
        await move(services, owner, row, "start")
    broker = RecordingBroker()
    ours = Services(settings=services.settings, db=services.db, broker=broker)
    feeds = {
        "llama": experiment_changes(ours, actor=ann, filter=ExperimentFilterData(model="llama")),
        "bert": experiment_changes(ours, actor=ann, filter=ExperimentFilterData(model="bert")),
        "stranger": experiment_changes(ours, actor=stranger),
    }
    firsts = {name: asyncio.ensure_future(anext(feed)) for name, feed in feeds.items()}
    try:
        await broker.until_opened(len(feeds))
        await report(services, ours, ann, llama, 10)
        await report(services, ours, ann, bert, 20)
        await report(services, ours, stranger, theirs, 30)
        got = {name: await asyncio.wait_for(first, 10) for name, first in firsts.items()}
        # each the first thing its feed sent: ann's llama filter saw neither bert nor the
        # stranger's run; the stranger saw none of ann's
        assert {name: (c.kind, c.experiment.name) for name, c in got.items()} == {
            "llama": ("UPDATED", "llama run"),
            "bert": ("UPDATED", "bert run"),
            "stranger": ("UPDATED", "theirs"),
        }
        assert got["llama"].experiment.progress_step == 10
        assert got["bert"].experiment.progress_step == 20
        # every report reached the experiment's own channel; the lists' channel had one each
        listed = [e["experiment_id"] for c, e in broker.published if c == EXPERIMENTS_CHANNEL]
        assert sorted(listed) == sorted(str(row.id) for row in (llama, bert, theirs))
    finally:
        for first in firsts.values():
            first.cancel()
        for feed in feeds.values():
            await feed.aclose()
        await ours.live.stop()
        await ours.store.close()
