"""Prometheus figures of the mirrors, labelled by target ("mlflow", "wandb"); set by the
replica that runs each mirror."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

PENDING_POINTS = Gauge(
    "expsvc_mirror_pending_points",
    "Metric points accepted here and not yet in the target",
    ["target"],
)
PENDING_ITEMS = Gauge(
    "expsvc_mirror_pending_items",
    "Queued metric batches and artifacts not yet in the target",
    ["target"],
)
LAG_SECONDS = Gauge(
    "expsvc_mirror_lag_seconds",
    "Age of the oldest queued item not yet in the target (0 if none)",
    ["target"],
)
FAILING_RUNS = Gauge(
    "expsvc_mirror_failing_runs", "Mirrored runs whose last call to the target failed", ["target"]
)
POINTS_SENT = Counter(
    "expsvc_mirror_points_sent", "Metric points accepted by the target", ["target"]
)
ERRORS = Counter("expsvc_mirror_errors", "Calls to the target that failed", ["target", "retryable"])
