"""Health and metrics routes (placeholder until the observability work lands)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import BaseRoute

from app.services import Services


def health_routes(services: Services) -> list[BaseRoute]:
    return []


def install_observability(app: Starlette) -> None:
    return None
