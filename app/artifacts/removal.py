"""Deleting artifacts: the rows (and their bytes given back to the quotas) in one
transaction, then their objects in the store."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import ColumnElement, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.artifacts import quota
from app.artifacts.backing import ArtifactBacking
from app.experiments.service import get_actionable_experiment
from app.models import Artifact, Experiment, User

log = logging.getLogger("expsvc.artifacts")


async def delete_rows(
    session: AsyncSession, experiment_id: uuid.UUID, *where: ColumnElement[bool]
) -> list[str]:
    """Delete the experiment's artifacts matching ``where`` and give their bytes back to
    the quotas; their store keys. The experiment's row is locked first, so concurrent
    deletes and replaces of one experiment take turns and each sees the rows the one
    before it committed (PostgreSQL reads a new snapshot per statement)."""
    await session.execute(
        select(Experiment.id).where(Experiment.id == experiment_id).with_for_update()
    )
    gone = (
        await session.execute(
            delete(Artifact)
            .where(Artifact.experiment_id == experiment_id, *where)
            .returning(Artifact.store_key, Artifact.size_bytes)
            .execution_options(synchronize_session=False)
        )
    ).all()
    await quota.release(
        session, experiment_id=experiment_id, amount=sum(int(size) for _key, size in gone)
    )
    return [key for key, _size in gone]


async def discard(services: ArtifactBacking, keys: list[str]) -> None:
    """Remove deleted artifacts' objects. Their rows are already gone, so a failure only
    leaves an unreferenced object behind: logged, not raised."""
    for key in keys:
        try:
            await services.store.discard(key)
        except Exception:
            log.exception("could not remove the deleted artifact object %s", key)


async def delete_artifacts(
    services: ArtifactBacking, *, actor: User, experiment_id: uuid.UUID, path: str
) -> int:
    """Delete the artifact named ``path`` and every artifact named ``<path>/…`` (all of the
    experiment's when ``path`` is empty); how many were deleted. The caller must be
    allowed to act on the experiment; their bytes go back to the quotas."""
    async with services.db.unit_of_work() as session:
        await get_actionable_experiment(session, actor=actor, experiment_id=experiment_id)
        where: list[ColumnElement[bool]] = []
        if path:
            where.append(
                or_(Artifact.name == path, Artifact.name.startswith(path + "/", autoescape=True))
            )
        keys = await delete_rows(session, experiment_id, *where)
    await discard(services, keys)
    return len(keys)
