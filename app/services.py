"""What the running app holds: settings, the database and the pluggable parts.

One instance lives on ``app.state.services``; the GraphQL context, the REST handlers and
the background tasks all reach the backing services through it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.config import Settings
from app.db import Database
from app.experiments.start_hooks import StartHooks


@dataclass
class Services:
    settings: Settings
    db: Database
    start_hooks: StartHooks = field(default_factory=StartHooks)

    @classmethod
    def from_settings(cls, settings: Settings) -> Services:
        return cls(settings=settings, db=Database(settings.database_url))

    async def close(self) -> None:
        await self.db.dispose()
