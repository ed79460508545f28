"""Every MLflow-compatible endpoint, from the modules that hold their handlers."""

from __future__ import annotations

from typing import Any

from app.mlflow_api import artifacts, experiments, runs, search_routes
from app.mlflow_api.app import ARTIFACT_PREFIXES, MlflowEndpoint
from app.mlflow_api.call import MlflowCall


async def server_info(_call: MlflowCall) -> Any:
    """What the ``mlflow`` client asks a tracking server before it uploads artifacts."""
    return {
        "store_type": "SqlStore",
        "artifact_serving_enabled": True,
        "workspaces_enabled": False,
        "multipart_uploads_enabled": False,
        "multipart_downloads_enabled": False,
    }


SERVER_INFO = MlflowEndpoint(
    "GET", "/server-info", server_info, prefixes=("/api/3.0/mlflow", "/ajax-api/3.0/mlflow")
)


def endpoint_table() -> list[MlflowEndpoint]:
    return [
        *experiments.ENDPOINTS,
        *runs.ENDPOINTS,
        *search_routes.ENDPOINTS,
        *artifacts.ENDPOINTS,
        SERVER_INFO,
    ]


__all__ = ["ARTIFACT_PREFIXES", "endpoint_table"]
