"""The artifact proxy routes ``mlflow`` uses with ``--serve-artifacts``."""

from __future__ import annotations

from app.mlflow_api.app import MlflowEndpoint

ENDPOINTS: list[MlflowEndpoint] = []
