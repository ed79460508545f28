"""REST routes (placeholder until the REST work lands)."""

from __future__ import annotations

from starlette.applications import Starlette

from app.services import Services


def rest_app(services: Services) -> Starlette:
    return Starlette(routes=[])
