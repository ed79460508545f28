"""An experiment's runs in the mirrors (MLflow, W&B)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from schema.scalars import BigInt


@strawberry.type(description="The experiment's run in MLflow, and how far the mirror got.")
class MlflowLink:
    experiment_id: str
    run_id: str
    url: str | None = strawberry.field(description="The run in the MLflow UI.")
    synced_at: datetime | None = strawberry.field(
        description="When MLflow last accepted something of this run."
    )
    pending_points: BigInt = strawberry.field(
        description="Metric points accepted here and not yet in MLflow."
    )
    last_error: str | None = strawberry.field(
        description="Why the last attempt failed; null once a later one succeeded."
    )
    last_error_at: datetime | None


@strawberry.type(description="The experiment's run in W&B, and how far the mirror got.")
class WandbLink:
    run_path: str = strawberry.field(description="entity/project/run id (W&B's run path).")
    url: str | None = strawberry.field(
        description="The run in the W&B UI; null while W&B has not named its entity (offline)."
    )
    synced_at: datetime | None = strawberry.field(
        description="When W&B last accepted something of this run."
    )
    pending_points: BigInt = strawberry.field(
        description="Metric points accepted here and not yet in W&B (a running experiment's "
        "latest step waits for its other keys)."
    )
    last_error: str | None = strawberry.field(
        description="Why the last attempt failed; null once a later one succeeded."
    )
    last_error_at: datetime | None
