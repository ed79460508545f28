"""Reading artifacts: an experiment's list, one by name or id, and every artifact of
many experiments (the GraphQL loader). Each read checks that the caller may read the
experiment."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import (
    NotFound,
)
from app.experiments.service import get_experiment
from app.models import Artifact, User


async def list_artifacts(
    session: AsyncSession,
    *,
    actor: User,
    experiment_id: uuid.UUID,
    folder: str | None = None,
) -> list[Artifact]:
    """The experiment's artifacts, oldest first; with ``folder``, only those named
    ``<folder>/…``."""
    await get_experiment(session, actor=actor, experiment_id=experiment_id)
    query = (
        select(Artifact)
        .where(Artifact.experiment_id == experiment_id)
        .order_by(Artifact.created_at, Artifact.id)
    )
    if folder:
        query = query.where(Artifact.name.startswith(folder + "/", autoescape=True))
    return list((await session.scalars(query)).all())


async def find_artifact(
    session: AsyncSession, *, actor: User, experiment_id: uuid.UUID, name: str
) -> Artifact:
    """The newest of the experiment's artifacts named ``name``; ``NOT_FOUND`` if none."""
    await get_experiment(session, actor=actor, experiment_id=experiment_id)
    row = await session.scalar(
        select(Artifact)
        .where(Artifact.experiment_id == experiment_id, Artifact.name == name)
        .order_by(Artifact.created_at.desc(), Artifact.id.desc())
        .limit(1)
    )
    if row is None:
        raise NotFound("artifact", name)
    return row


async def get_artifact(
    session: AsyncSession, *, actor: User, experiment_id: uuid.UUID, artifact_id: uuid.UUID
) -> Artifact:
    await get_experiment(session, actor=actor, experiment_id=experiment_id)
    row = await session.scalar(
        select(Artifact).where(Artifact.id == artifact_id, Artifact.experiment_id == experiment_id)
    )
    if row is None:
        raise NotFound("artifact", artifact_id)
    return row


async def artifacts_by_experiment(
    session: AsyncSession, experiment_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Artifact]]:
    """Every artifact of each experiment, oldest first (for the per-request loader)."""
    query = (
        select(Artifact)
        .where(Artifact.experiment_id.in_(set(experiment_ids)))
        .order_by(Artifact.created_at, Artifact.id)
    )
    found: dict[uuid.UUID, list[Artifact]] = {}
    for row in (await session.scalars(query)).all():
        found.setdefault(row.experiment_id, []).append(row)
    return found
