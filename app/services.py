"""What the running app holds: settings, the database, the broker and pluggable parts.

One instance lives on ``app.state.services``; the GraphQL context, the REST handlers and
the background tasks all reach the backing services through it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.config import Settings
from app.db import Database
from app.events.broker import Broker, InProcessBroker
from app.events.live import LivePublisher
from app.experiments.start_hooks import StartHooks


@dataclass
class Services:
    settings: Settings
    db: Database
    broker: Broker = field(default_factory=InProcessBroker)
    start_hooks: StartHooks = field(default_factory=StartHooks)
    live: LivePublisher = field(init=False)

    def __post_init__(self) -> None:
        self.live = LivePublisher(self.broker)

    @classmethod
    def from_settings(cls, settings: Settings) -> Services:
        return cls(settings=settings, db=Database(settings.database_url))

    async def close(self) -> None:
        await self.live.stop()
        await self.broker.close()
        await self.db.dispose()
