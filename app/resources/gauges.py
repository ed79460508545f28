"""Prometheus figures of the GPU queue's scheduler (observed on the replica leading it)."""

from __future__ import annotations

from prometheus_client import Histogram

# the target for a decision is 20 ms: buckets around it
DECISION_BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0)

PLAN_SECONDS = Histogram(
    "expsvc_queue_plan_seconds",
    "The plan of one pool in a scheduler pass (the decision alone, no database)",
    buckets=DECISION_BUCKETS,
)
PASS_SECONDS = Histogram(
    "expsvc_queue_pass_seconds",
    "A whole scheduler pass: expiries, reads, every pool's plan, the starts, the positions",
    buckets=DECISION_BUCKETS,
)
