"""What ``Experiment.mlflow`` shows: the shared link view (``app.integrations.mirror.links``)
of target "mlflow", and the run's address in the MLflow UI."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from app.integrations.mirror import links
from app.integrations.mirror.links import LinkView
from app.models.mirror import MLFLOW

MlflowLinkView = LinkView


def run_url(ui_base: str, experiment_id: str, run_id: str) -> str | None:
    if not ui_base:
        return None
    return f"{ui_base.rstrip('/')}/#/experiments/{experiment_id}/runs/{run_id}"


async def links_by_experiment(
    session: AsyncSession, experiment_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, LinkView]:
    """Links of the experiments whose MLflow run exists (two queries for any number)."""
    return await links.links_by_experiment(session, MLFLOW, experiment_ids)
