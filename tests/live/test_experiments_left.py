"""``experimentsChanged`` over real websockets: a row that stops matching the filter is
LEFT (a status move out of it, an update of its model or name), on the in-process broker
and on Redis (where ``EXPSVC_TEST_REDIS_URL`` is given)."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlalchemy import select

from app.events.broker import InProcessBroker, Subscription
from app.events.redis_broker import RedisBroker
from app.events.relay import OutboxRelay
from app.experiments import service as experiments
from app.experiments.schemas import ExperimentFilterData, ExperimentUpdate
from app.live.experiments import experiment_changes
from app.models import OutboxEvent
from app.models.enums import ExperimentStatus, Role
from app.services import Services
from tests.builders import create_experiment, create_hypothesis, move
from tests.live.client import Collector, ws_session
from tests.live.servers import running_server
from tests.pg import TEST_REDIS_ENV

REDIS_URL = os.environ.get(TEST_REDIS_ENV)
BROKERS = ["in-process"] + (["redis"] if REDIS_URL else [])

CHANGES = """subscription($filter: ExperimentFilter) { experimentsChanged(filter: $filter) {
  kind experiment { name status model } } }"""

FILTERS: dict[str, dict[str, Any]] = {
    "queued": {"status": ["QUEUED"]},
    "running": {"status": ["RUNNING"]},
    "llama": {"model": "llama"},
    "alpha": {"search": "alpha"},
    "all": {},
}


@asynccontextmanager
async def redis_server(services: Services) -> AsyncIterator[str]:
    """A server whose broker is Redis, with a relay of its own publishing to it (the
    session's in-process relay paused meanwhile, so every event goes through Redis)."""
    assert REDIS_URL
    broker = RedisBroker(REDIS_URL, prefix=f"expsvc-test-{uuid.uuid4().hex[:8]}:")
    ours = Services(settings=services.settings, db=services.db, broker=broker)
    paused = services.relay.running
    await services.relay.stop()
    ours.relay.start()
    try:
        async with running_server(ours) as address:
            yield address
    finally:
        await ours.relay.stop()
        await ours.live.stop()
        await ours.auth.drain()
        await broker.close()
        await ours.store.close()
        if paused:
            services.relay.start()


@pytest.fixture(params=BROKERS)
async def server(request, services, live_server) -> AsyncIterator[str]:
    if request.param == "in-process":
        yield live_server
        return
    async with redis_server(services) as address:
        yield address


PROBE = "alpha probe"


def seen(collector: Collector) -> list[tuple[str, str]]:
    """(kind, name) of what arrived, readiness probes left out."""
    changes = [item["experimentsChanged"] for item in collector.items]
    return [
        (change["kind"], change["experiment"]["name"])
        for change in changes
        if not change["experiment"]["name"].startswith(PROBE)
    ]


async def until_live(
    services: Services, owners: dict[str, Any], collectors: dict[str, Collector]
) -> None:
    """Start probe experiments (RUNNING, model llama, named "alpha probe …": every filter
    here matches one at some point) until every subscription has received one: from then
    on, each is reading the broker."""
    for attempt in range(40):
        for owner, hypothesis in owners.values():
            probe = await create_experiment(
                services, owner, hypothesis, name=f"{PROBE} {attempt}", model="llama"
            )
            await move(services, owner, probe, "start")
        try:
            for collector in collectors.values():
                await collector.wait_for(lambda items: bool(items), seconds=0.5)
            return
        except TimeoutError:
            continue
    raise AssertionError("the subscriptions never went live")


async def judged_so_far(
    services: Services, owner: Any, hypothesis: Any, collector: Collector, mark: str
) -> None:
    """Wait until ``collector``'s subscription has judged every event so far: it judges
    each against the experiment as it is when it gets to it, so a creation it had not yet
    judged when the experiment started would arrive as a CREATED of a RUNNING one. A
    RUNNING probe every filter here matches, published after them, arrives after them."""
    probe = await create_experiment(
        services, owner, hypothesis, name=f"{PROBE} {mark}", model="llama"
    )
    await move(services, owner, probe, "start")
    name = f"{PROBE} {mark}"
    await collector.wait_for(
        lambda items: any(i["experimentsChanged"]["experiment"]["name"] == name for i in items)
    )


class Expect:
    """What each subscription should have received so far; ``step`` waits for it."""

    def __init__(self, collectors: dict[str, Collector]) -> None:
        self.collectors = collectors
        self.wanted: dict[str, list[tuple[str, str]]] = {name: [] for name in collectors}

    async def step(self, **added: list[tuple[str, str]]) -> None:
        for name, items in added.items():
            self.wanted[name] += items
        for name, collector in self.collectors.items():
            count = len(self.wanted[name])
            await collector.wait_for(lambda _, c=collector, n=count: len(seen(c)) >= n)
            assert seen(collector) == self.wanted[name], name


async def update(services: Services, actor: Any, experiment: Any, **values: Any) -> None:
    async with services.db.unit_of_work() as session:
        await experiments.update_experiment(
            session,
            actor=actor,
            experiment_id=experiment.id,
            data=ExperimentUpdate(**values),
            settings=services.settings,
        )


async def test_rows_leave_the_filter_live(server, services, make_user):
    ann, token = await make_user(Role.DS, name="ann")
    stranger, stranger_token = await make_user(Role.DS, name="stranger")
    hypothesis = await create_hypothesis(services, ann)
    elsewhere = await create_hypothesis(services, stranger)
    async with (
        ws_session(server, token) as session,
        ws_session(server, stranger_token) as other,
    ):
        collectors = {
            name: Collector(session, CHANGES, {"filter": value}) for name, value in FILTERS.items()
        }
        collectors["stranger"] = Collector(other, CHANGES, {"filter": {}})
        expect = Expect(collectors)
        try:
            await until_live(
                services, {"ann": (ann, hypothesis), "stranger": (stranger, elsewhere)}, collectors
            )
            c, u, left = "CREATED", "UPDATED", "LEFT"
            x = await create_experiment(services, ann, hypothesis, name="alpha x", model="llama")
            await expect.step(
                queued=[(c, "alpha x")],
                llama=[(c, "alpha x")],
                alpha=[(c, "alpha x")],
                all=[(c, "alpha x")],
            )
            await judged_so_far(services, ann, hypothesis, collectors["running"], "x")
            await move(services, ann, x, "start")
            await expect.step(
                queued=[(left, "alpha x")],
                running=[(u, "alpha x")],
                llama=[(u, "alpha x")],
                alpha=[(u, "alpha x")],
                all=[(u, "alpha x")],
            )
            last = collectors["queued"].items[-1]["experimentsChanged"]["experiment"]
            assert last == {"name": "alpha x", "status": "RUNNING", "model": "llama"}
            await move(services, ann, x, "complete")
            await expect.step(
                running=[(left, "alpha x")],
                llama=[(u, "alpha x")],
                alpha=[(u, "alpha x")],
                all=[(u, "alpha x")],
            )
            y = await create_experiment(services, ann, hypothesis, name="alpha y", model="llama")
            await expect.step(
                queued=[(c, "alpha y")],
                llama=[(c, "alpha y")],
                alpha=[(c, "alpha y")],
                all=[(c, "alpha y")],
            )
            await update(services, ann, y, model="bert", name="beta y")
            await expect.step(
                queued=[(u, "beta y")],
                llama=[(left, "beta y")],
                alpha=[(left, "beta y")],
                all=[(u, "beta y")],
            )
            await update(services, ann, y, model="llama")  # back into one filter only
            await expect.step(queued=[(u, "beta y")], llama=[(u, "beta y")], all=[(u, "beta y")])
            await move(services, ann, y, "stop")
            await expect.step(queued=[(left, "beta y")], llama=[(u, "beta y")], all=[(u, "beta y")])
            # the stranger saw none of ann's; its own experiment arrives
            await create_experiment(services, stranger, elsewhere, name="theirs")
            await expect.step(stranger=[(c, "theirs")])
            # and nothing more came to ann's: every one has the last change, and only it
            end = await create_experiment(
                services, ann, hypothesis, name="alpha end", model="llama"
            )
            created = [(c, "alpha end")]
            await expect.step(queued=created, llama=created, alpha=created, all=created)
            await judged_so_far(services, ann, hypothesis, collectors["running"], "end")
            await move(services, ann, end, "start")
            started = [(u, "alpha end")]
            await expect.step(
                queued=[(left, "alpha end")],
                running=started,
                llama=started,
                alpha=started,
                all=started,
            )
        finally:
            for collector in collectors.values():
                await collector.stop()


class WatchedBroker(InProcessBroker):
    """Says when a subscription was opened."""

    def __init__(self) -> None:
        super().__init__()
        self.opened = asyncio.Event()

    async def open(self, *channels: str, queue_size: int = 1000) -> Subscription:
        subscription = await super().open(*channels, queue_size=queue_size)
        self.opened.set()
        return subscription


@pytest.fixture
async def quiet_relay(services):
    """The session's relay paused (a live server may have started it): this test relays."""
    running = services.relay.running
    await services.relay.stop()
    yield
    if running:
        services.relay.start()


async def test_a_feed_behind_the_changes_still_sees_the_row_leave(services, make_user, quiet_relay):
    """The row a client shows (QUEUED, llama) is updated to bert and started before the
    feed reads either event: judged on the row as it is when read, the update's event
    still says it matched before (it carries every filtered value it replaced)."""
    ann, _ = await make_user(Role.DS, name="ann")
    hypothesis = await create_hypothesis(services, ann)
    broker = WatchedBroker()
    ours = Services(settings=services.settings, db=services.db, broker=broker)
    relay = OutboxRelay(services.db, broker)
    shown = await create_experiment(services, ann, hypothesis, name="shown", model="llama")
    await relay.run_until_empty()  # published before anyone listens
    wanted = ExperimentFilterData(status=[ExperimentStatus.QUEUED], model="llama")
    feed = experiment_changes(ours, actor=ann, filter=wanted)
    first = asyncio.ensure_future(anext(feed))
    await asyncio.wait_for(broker.opened.wait(), 10)  # the feed has subscribed
    try:
        await update(services, ann, shown, model="bert")
        await move(services, ann, shown, "start")
        async with services.db.reader() as session:
            payloads = (
                await session.scalars(
                    select(OutboxEvent.payload)
                    .where(OutboxEvent.published_at.is_(None))
                    .order_by(OutboxEvent.id)
                )
            ).all()
        assert [p["previous"] for p in payloads] == [
            {"status": "QUEUED", "name": "shown", "description": None, "model": "llama",
             "tags": []},
            {"status": "QUEUED"},
        ]  # fmt: skip
        later = await create_experiment(services, ann, hypothesis, name="later", model="llama")
        await relay.run_until_empty()
        change = await asyncio.wait_for(first, 10)
        assert (change.kind, change.experiment.id) == ("LEFT", shown.id)
        assert change.experiment.status is ExperimentStatus.RUNNING
        # the start's event matched neither before nor after: next is the new one
        change = await asyncio.wait_for(anext(feed), 10)
        assert (change.kind, change.experiment.id) == ("CREATED", later.id)
    finally:
        first.cancel()
        await feed.aclose()
        await ours.store.close()
