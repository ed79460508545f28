"""Prometheus figures of notification delivery (set by the replica that runs the job)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

DELIVERIES = Counter(
    "expsvc_notification_deliveries",
    "Delivery attempts by channel and outcome (delivered, retry, failed = given up)",
    ["channel", "outcome"],
)
PENDING = Gauge(
    "expsvc_notification_deliveries_pending",
    "Deliveries not yet delivered nor given up (digests waiting included), by channel",
    ["channel"],
)
LAG_SECONDS = Gauge(
    "expsvc_notification_delivery_lag_seconds",
    "Age of the oldest delivery due now and not yet delivered (0 if none)",
)
