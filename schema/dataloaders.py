"""Per-request DataLoaders: a list of N experiments costs a fixed number of queries."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from app.db import Database
from app.hypotheses.service import hypotheses_by_ids, observers_by_hypothesis
from app.metrics.service import summaries_by_experiment
from app.models import Hypothesis, MetricSeries, User
from app.users.service import users_by_ids

K = TypeVar("K")
V = TypeVar("V")


def batched(
    db: Database,
    fetch: Callable[[AsyncSession, Sequence[K]], Awaitable[Mapping[K, V]]],
    default: Callable[[], V | None] = lambda: None,
) -> DataLoader[K, V | None]:
    """A loader that fetches all keys of a batch in one short read session."""

    async def load(keys: list[K]) -> list[V | None]:
        async with db.reader() as session:
            found = await fetch(session, keys)
        return [found.get(key, default()) for key in keys]

    return DataLoader(load_fn=load)


@dataclass
class Loaders:
    db: Database
    users: DataLoader[uuid.UUID, User | None] = field(init=False)
    hypotheses: DataLoader[uuid.UUID, Hypothesis | None] = field(init=False)
    observers: DataLoader[uuid.UUID, list[User] | None] = field(init=False)
    summaries: DataLoader[uuid.UUID, list[MetricSeries] | None] = field(init=False)

    def __post_init__(self) -> None:
        self.users = batched(self.db, users_by_ids)
        self.hypotheses = batched(self.db, hypotheses_by_ids)
        self.observers = batched(self.db, observers_by_hypothesis, list)
        self.summaries = batched(
            self.db, lambda session, ids: summaries_by_experiment(session, list(ids)), list
        )
