"""What the resource workflows and the scheduler use of the running app: the database,
the broker, the live feeds, the settings and the start hooks. The composition root's
``Services`` (``app/services.py``) is one; this package imports nothing above it."""

from __future__ import annotations

from typing import Protocol

from app.config import Settings
from app.db import Database
from app.events.broker import Broker
from app.events.live import LivePublisher
from app.experiments.start_hooks import StartHooks


class ResourceBacking(Protocol):
    db: Database
    broker: Broker
    live: LivePublisher
    settings: Settings
    start_hooks: StartHooks
