"""What the artifact workflows use of the running app: the database, the live feeds, the
settings, the artifact store and the mirrors' hook. The composition root's ``Services``
(``app/services.py``) is one; this package imports nothing above it."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db import Database
from app.events.live import LivePublisher
from app.models import Artifact
from app.storage import ArtifactStore


class ArtifactMirror(Protocol):
    """Queues a recorded artifact for the mirrors, in the recording transaction."""

    async def on_artifact(self, session: AsyncSession, artifact: Artifact) -> None: ...


class ArtifactBacking(Protocol):
    db: Database
    live: LivePublisher
    settings: Settings
    store: ArtifactStore

    @property
    def mirrors(self) -> ArtifactMirror | None: ...
