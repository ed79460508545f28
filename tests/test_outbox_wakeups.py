"""Outbox consumers (the relay, the notification producer) wake on commits that wrote
outbox rows, and only on those: their own commits must not wake each other."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from app.events.names import EventType
from app.events.outbox import append_event
from app.models import OutboxEvent
from app.models.enums import Role
from app.services import Services
from tests.builders import create_experiment, create_hypothesis
from tests.conftest import MakeUser


def count_rounds(services: Services) -> dict[str, int]:
    rounds = {"relay": 0, "notifier": 0}
    for name, consumer in (("relay", services.relay), ("notifier", services.notifier)):
        original = consumer.run_once

        async def counted(name: str = name, original=original) -> int:  # type: ignore[no-untyped-def]
            rounds[name] += 1
            return await original()

        consumer.run_once = counted  # type: ignore[method-assign]
    return rounds


async def test_idle_consumers_sleep_and_an_outbox_write_wakes_them(
    services: Services, make_user: MakeUser
) -> None:
    owner, _ = await make_user(Role.DS)
    hypothesis = await create_hypothesis(services, owner)
    experiment = await create_experiment(services, owner, hypothesis)
    await services.relay.run_until_empty()
    await services.notifier.run_until_empty()
    rounds = count_rounds(services)
    services.relay.start()
    services.notifier.start()
    try:
        await asyncio.sleep(1.2)
        # idle: one round at start, then one per idle timeout (0.5 s) — not a busy loop
        assert rounds["relay"] <= 5 and rounds["notifier"] <= 5, rounds
        async with services.db.unit_of_work() as session:
            event = await append_event(
                session,
                EventType.EXPERIMENT_CREATED,
                aggregate_id=experiment.id,
                payload={"experiment": {"id": str(experiment.id)}},
            )
        for _ in range(80):  # woken at once, before the idle timeout (0.5 s)
            await asyncio.sleep(0.005)
            async with services.db.reader() as session:
                row = await session.scalar(select(OutboxEvent).where(OutboxEvent.id == event.id))
            if row is not None and row.published_at is not None and row.notified_at is not None:
                break
        assert row is not None and row.published_at is not None and row.notified_at is not None
    finally:
        await services.relay.stop()
        await services.notifier.stop()
        for consumer in (services.relay, services.notifier):
            del consumer.run_once  # type: ignore[attr-defined]
