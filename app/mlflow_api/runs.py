"""MLflow's `runs/*` endpoints."""

from __future__ import annotations

from app.mlflow_api.app import MlflowEndpoint

ENDPOINTS: list[MlflowEndpoint] = []
