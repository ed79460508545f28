"""Prometheus figures of the MLflow mirror (set by the replica that runs the mirror)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

PENDING_POINTS = Gauge(
    "expsvc_mlflow_pending_points", "Metric points accepted here and not yet in MLflow"
)
PENDING_ITEMS = Gauge(
    "expsvc_mlflow_pending_items", "Queued metric batches and artifacts not yet in MLflow"
)
LAG_SECONDS = Gauge(
    "expsvc_mlflow_lag_seconds", "Age of the oldest queued item not yet in MLflow (0 if none)"
)
FAILING_RUNS = Gauge("expsvc_mlflow_failing_runs", "Mirrored runs whose last MLflow call failed")
POINTS_SENT = Counter("expsvc_mlflow_points_sent", "Metric points accepted by MLflow")
ERRORS = Counter("expsvc_mlflow_errors", "MLflow calls that failed", ["retryable"])
