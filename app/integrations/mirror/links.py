"""What ``Experiment.mlflow`` and ``Experiment.wandb`` show: where the run is and how far
the target's mirror got."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import MirrorQueueItem, MirrorRun


@dataclass(frozen=True)
class LinkView:
    # What holds the run there: MLflow's experiment id, W&B's "entity/project"
    remote_group: str
    run_id: str
    synced_at: datetime | None
    pending_points: int
    last_error: str | None
    last_error_at: datetime | None


async def pending_points(
    session: AsyncSession, target: str, experiment_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    query = (
        select(
            MirrorQueueItem.experiment_id,
            func.sum(MirrorQueueItem.points - MirrorQueueItem.sent),
        )
        .where(
            MirrorQueueItem.target == target,
            MirrorQueueItem.experiment_id.in_(set(experiment_ids)),
        )
        .group_by(MirrorQueueItem.experiment_id)
    )
    return {row[0]: int(row[1] or 0) for row in (await session.execute(query)).all()}


async def links_by_experiment(
    session: AsyncSession, target: str, experiment_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, LinkView]:
    """Links of the experiments whose run exists at ``target`` (two queries for any
    number)."""
    runs = (
        await session.scalars(
            select(MirrorRun).where(
                MirrorRun.target == target,
                MirrorRun.experiment_id.in_(set(experiment_ids)),
                MirrorRun.run_id.is_not(None),
            )
        )
    ).all()
    if not runs:
        return {}
    pending = await pending_points(session, target, [run.experiment_id for run in runs])
    links: dict[uuid.UUID, LinkView] = {}
    for run in runs:
        assert run.run_id is not None and run.remote_group is not None
        links[run.experiment_id] = LinkView(
            remote_group=run.remote_group,
            run_id=run.run_id,
            synced_at=run.synced_at,
            pending_points=pending.get(run.experiment_id, 0),
            last_error=run.last_error,
            last_error_at=run.last_error_at,
        )
    return links
