"""What ``Experiment.mlflow`` shows: where the run is and how far the mirror got."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import MlflowQueueItem, MlflowRun


@dataclass(frozen=True)
class MlflowLinkView:
    experiment_id: str
    run_id: str
    synced_at: datetime | None
    pending_points: int
    last_error: str | None
    last_error_at: datetime | None


def run_url(ui_base: str, experiment_id: str, run_id: str) -> str | None:
    if not ui_base:
        return None
    return f"{ui_base.rstrip('/')}/#/experiments/{experiment_id}/runs/{run_id}"


async def pending_points(
    session: AsyncSession, experiment_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    query = (
        select(
            MlflowQueueItem.experiment_id,
            func.sum(MlflowQueueItem.points - MlflowQueueItem.sent),
        )
        .where(MlflowQueueItem.experiment_id.in_(set(experiment_ids)))
        .group_by(MlflowQueueItem.experiment_id)
    )
    return {row[0]: int(row[1] or 0) for row in (await session.execute(query)).all()}


async def links_by_experiment(
    session: AsyncSession, experiment_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, MlflowLinkView]:
    """Links of the experiments whose MLflow run exists (two queries for any number)."""
    runs = (
        await session.scalars(
            select(MlflowRun).where(
                MlflowRun.experiment_id.in_(set(experiment_ids)), MlflowRun.run_id.is_not(None)
            )
        )
    ).all()
    if not runs:
        return {}
    pending = await pending_points(session, [run.experiment_id for run in runs])
    links: dict[uuid.UUID, MlflowLinkView] = {}
    for run in runs:
        assert run.run_id is not None and run.mlflow_experiment_id is not None
        links[run.experiment_id] = MlflowLinkView(
            experiment_id=run.mlflow_experiment_id,
            run_id=run.run_id,
            synced_at=run.synced_at,
            pending_points=pending.get(run.experiment_id, 0),
            last_error=run.last_error,
            last_error_at=run.last_error_at,
        )
    return links
