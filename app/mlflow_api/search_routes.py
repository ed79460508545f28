"""``runs/search`` and ``experiments/search``."""

from __future__ import annotations

from app.mlflow_api.app import MlflowEndpoint

ENDPOINTS: list[MlflowEndpoint] = []
