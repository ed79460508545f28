"""Logging setup (placeholder until the observability work lands)."""

from __future__ import annotations

import logging

from app.config import Settings


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(level=settings.log_level)
