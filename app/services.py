"""The composition root: what the running app holds (settings, the database, the broker and
pluggable parts) and the hooks it registers.

One instance lives on ``app.state.services``; the GraphQL context, the REST handlers and
the background tasks all reach the backing services through it. Only the edges and
``app/main.py`` import this module: domain code takes what it uses as a small ``Protocol``
of its own package, which ``Services`` satisfies (``docs/architecture.md``, "Layers").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.config import Settings
from app.db import Database
from app.events.broker import Broker, InProcessBroker
from app.events.live import LivePublisher
from app.events.relay import EventStream, OutboxRelay
from app.experiments.start_hooks import FINISH_HOOKS, StartHooks
from app.metrics.stores import MetricStore, metric_store
from app.notifications.producer import NotificationProducer
from app.rate_limits import RateLimits
from app.resources.hooks import ReserveResources
from app.resources.service import release
from app.storage import ArtifactStore, open_store
from app.users.auth_cache import AuthCache

if TYPE_CHECKING:
    from app.integrations.mirror.queue import MirrorQueue

EVENT_STREAM = "events"

# A terminal move gives back what the run held, whichever path makes it
FINISH_HOOKS.add(release)


def mirror_targets(settings: Settings) -> list[tuple[str, bool]]:
    """The configured mirrors and whether each mirrors artifacts."""
    targets: list[tuple[str, bool]] = []
    if settings.mlflow_tracking_uri:
        targets.append(("mlflow", settings.mlflow_mirror_artifacts))
    if settings.wandb_project:
        targets.append(("wandb", settings.wandb_mirror_artifacts))
    return targets


@dataclass
class Services:
    settings: Settings
    db: Database
    broker: Broker = field(default_factory=InProcessBroker)
    stream: EventStream | None = None
    # Given hooks run after the reservation (``ReserveResources``), which has its own slot
    start_hooks: StartHooks = field(default_factory=StartHooks)
    live: LivePublisher = field(init=False)
    relay: OutboxRelay = field(init=False)
    auth: AuthCache = field(init=False)
    notifier: NotificationProducer = field(init=False)
    # The artifact store named by the settings (tests may swap it)
    store: ArtifactStore = field(init=False)
    # The request path's side of the mirrors (MLflow, W&B); None when none is configured
    mirrors: MirrorQueue | None = field(init=False, default=None)
    # Rate limits (app/rate_limits.py): given (counted in Redis), or counted in this process
    rate_limits: RateLimits | None = None
    limits: RateLimits = field(init=False)
    # Where metrics are written and read: the store of the database's dialect
    metrics: MetricStore = field(init=False)

    def __post_init__(self) -> None:
        # a fresh list (``dataclasses.replace`` runs this again on a copy), and the
        # reservation reading this instance's settings
        self.start_hooks = StartHooks(
            list(self.start_hooks.hooks), reservation=ReserveResources(lambda: self.settings)
        )
        self.store = open_store(self.settings)
        self.live = LivePublisher(self.broker)
        self.notifier = NotificationProducer(self.db, self.live)
        self.auth = AuthCache(self.db, ttl=self.settings.auth_cache_ttl_seconds)
        self.relay = OutboxRelay(self.db, self.broker, stream=self.stream)
        self.limits = self.rate_limits or RateLimits(self.settings)
        self.metrics = metric_store(self.db.dialect)
        targets = mirror_targets(self.settings)
        if targets:  # (the hook is idempotent, so a copy's second one does no harm)
            from app.integrations.mirror.queue import MirrorQueue, Target

            self.mirrors = MirrorQueue([Target(name, artifacts) for name, artifacts in targets])
            self.start_hooks.hooks.append(self.mirrors.on_started)

    @classmethod
    def from_settings(cls, settings: Settings) -> Services:
        db = Database(settings.database_url)
        if not settings.redis_url:
            return cls(settings=settings, db=db)
        from app.events.redis_broker import RedisBroker, RedisEventStream
        from app.rate_limits import RedisCounter

        prefix = settings.redis_key_prefix
        broker = RedisBroker(settings.redis_url, prefix=prefix)
        stream = RedisEventStream(broker.client, prefix + EVENT_STREAM)
        limits = RateLimits(settings, RedisCounter(broker.client, prefix))
        return cls(settings=settings, db=db, broker=broker, stream=stream, rate_limits=limits)

    async def close(self) -> None:
        await self.notifier.stop()
        await self.relay.stop()
        await self.live.stop()
        await self.auth.drain()
        await self.broker.close()
        await self.store.close()
        await self.db.dispose()
