"""Per-request DataLoaders: a list of N experiments costs a fixed number of queries."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from app.artifacts.reading import artifacts_by_experiment
from app.db import Database
from app.experiments import children as nested
from app.experiments.service import experiments_by_ids, visible_experiments_by_ids
from app.hypotheses.service import hypotheses_by_ids, observers_by_hypothesis
from app.logs.batched import PageRead, read_pages
from app.logs.service import LogPage
from app.metrics.batched import SeriesRead, read_many
from app.metrics.history import Series
from app.metrics.service import summaries_by_experiment
from app.metrics.stores import MetricStore
from app.models import Artifact, Experiment, Hypothesis, MetricSeries, Reservation, User
from app.models.enums import Role
from app.models.notification_delivery import NotificationDelivery
from app.notifications.delivery.queue import deliveries_by_notification
from app.resources.api_costs import ApiCostPage, ApiCostRead
from app.resources.api_costs import read_pages as read_api_cost_pages
from app.resources.service import reservations_by_experiment
from app.users.service import users_by_ids

if TYPE_CHECKING:
    from app.integrations.mirror.links import LinkView
    from app.integrations.mlflow.links import MlflowLinkView

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


@dataclass(frozen=True)
class SeriesKey:
    """One metric history of one experiment, with the arguments of a ``SeriesRead``."""

    experiment_id: uuid.UUID
    key: str
    max_points: int
    step_from: int | None = None
    step_to: int | None = None


@dataclass
class Loaders:
    """Everything an Experiment resolves to, batched per request.

    Costs need no loader: they come from the experiment row and its reservation.
    """

    db: Database
    # the metric store ``Services`` chose (None: the database's own)
    metrics: MetricStore | None = None
    users: DataLoader[uuid.UUID, User | None] = field(init=False)
    hypotheses: DataLoader[uuid.UUID, Hypothesis | None] = field(init=False)
    observers: DataLoader[uuid.UUID, list[User] | None] = field(init=False)
    summaries: DataLoader[uuid.UUID, list[MetricSeries] | None] = field(init=False)
    series: DataLoader[SeriesKey, Series] = field(init=False)
    logs: DataLoader[PageRead, LogPage] = field(init=False)
    artifacts: DataLoader[uuid.UUID, list[Artifact] | None] = field(init=False)
    reservations: DataLoader[uuid.UUID, Reservation | None] = field(init=False)
    experiments: DataLoader[uuid.UUID, Experiment | None] = field(init=False)
    mlflow_links: DataLoader[uuid.UUID, MlflowLinkView | None] = field(init=False)
    wandb_links: DataLoader[uuid.UUID, LinkView | None] = field(init=False)
    api_costs: DataLoader[ApiCostRead, ApiCostPage] = field(init=False)
    deliveries: DataLoader[uuid.UUID, list[NotificationDelivery] | None] = field(init=False)
    _visible: dict[tuple[uuid.UUID, Role], VisibleLoaders] = field(init=False)

    def __post_init__(self) -> None:
        self._visible = {}
        self.users = batched(self.db, users_by_ids)
        self.hypotheses = batched(self.db, hypotheses_by_ids)
        self.observers = batched(self.db, observers_by_hypothesis, list)
        self.summaries = batched(
            self.db,
            lambda session, ids: summaries_by_experiment(session, list(ids), None, self.metrics),
            list,
        )
        self.series = DataLoader(load_fn=self._series)
        self.logs = DataLoader(load_fn=self._logs)
        self.artifacts = batched(self.db, artifacts_by_experiment, list)
        self.reservations = batched(self.db, reservations_by_experiment)
        self.experiments = batched(self.db, experiments_by_ids)
        self.mlflow_links = batched(self.db, _mlflow_links)
        self.wandb_links = batched(self.db, _wandb_links)
        self.api_costs = DataLoader(load_fn=self._api_costs)
        self.deliveries = batched(self.db, deliveries_by_notification, list)

    def visible_to(self, actor: User) -> VisibleLoaders:
        """The loaders whose answers depend on who asks (one set per caller)."""
        key = (actor.id, actor.role)
        if key not in self._visible:
            self._visible[key] = VisibleLoaders(self.db, actor)
        return self._visible[key]

    async def _series(self, keys: list[SeriesKey]) -> list[Series]:
        """Histories of many experiments and keys: the summary rows come from the
        summaries loader (shared with ``metricSummaries``), the points from one batched
        read (the history path, ``app.metrics.batched``)."""
        ids = list(dict.fromkeys(key.experiment_id for key in keys))
        found = await self.summaries.load_many(ids)
        rows = {
            (i, row.key): row for i, group in zip(ids, found, strict=True) for row in group or []
        }
        reads = [
            SeriesRead(
                rows.get((k.experiment_id, k.key)), k.key, k.max_points, k.step_from, k.step_to
            )
            for k in keys
        ]
        async with self.db.reader() as session:
            return await read_many(session, reads, self.metrics)

    async def _logs(self, keys: list[PageRead]) -> list[LogPage]:
        async with self.db.reader() as session:
            return await read_pages(session, keys)

    async def _api_costs(self, keys: list[ApiCostRead]) -> list[ApiCostPage]:
        async with self.db.reader() as session:
            return await read_api_cost_pages(session, keys)


@dataclass
class VisibleLoaders:
    """Experiments through ``actor``'s visibility clause: ``Experiment.parent`` (null for a
    parent ``actor`` may not read) and ``Experiment.children`` (only those it may read)."""

    db: Database
    actor: User
    experiments: DataLoader[uuid.UUID, Experiment | None] = field(init=False)
    children: DataLoader[nested.ChildrenRead, nested.ChildrenPage] = field(init=False)

    def __post_init__(self) -> None:
        self.experiments = batched(
            self.db,
            lambda session, ids: visible_experiments_by_ids(session, actor=self.actor, ids=ids),
        )
        self.children = DataLoader(load_fn=self._children)

    async def _children(self, keys: list[nested.ChildrenRead]) -> list[nested.ChildrenPage]:
        async with self.db.reader() as session:
            return await nested.read_pages(session, actor=self.actor, reads=keys)


async def _mlflow_links(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> Mapping[uuid.UUID, MlflowLinkView]:
    from app.integrations.mlflow.links import links_by_experiment  # only when asked for

    return await links_by_experiment(session, ids)


async def _wandb_links(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> Mapping[uuid.UUID, LinkView]:
    from app.integrations.mirror.links import links_by_experiment  # only when asked for

    return await links_by_experiment(session, "wandb", ids)
