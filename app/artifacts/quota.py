"""Quota reservations: atomic, so concurrent uploads can never together exceed a quota.

Each reservation adds ``n`` to the upload's ``reserved_bytes``, then runs a conditional
``UPDATE … SET used = used + n WHERE used + n <= quota`` on the experiment's
``artifact_bytes`` and on the installation's single ``storage_usage`` row, in one
transaction. The row lock each UPDATE takes serialises concurrent reservations, and the
condition is re-checked under it: the loser sees the winner's bytes and is refused. Every
transaction here locks in the same order — the upload row, the experiment, the
installation row — so two of them never wait on each other crosswise.

Uploads of unknown size reserve as they stream, so concurrent ones can together hold
partial reservations that fill a quota none of them could finish in. A refused
reservation therefore asks ``fits_before_younger``: would this upload fit if every upload
that began after it gave way? If so it waits for the others to settle and tries again
(the service's loop); if not it is refused. Older uploads go first, so the uploads that
are stored are the oldest ones that fit, and the youngest of those waiting always has its
answer: waits never form a cycle.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db import dialect_insert
from app.errors import StorageLimitExceeded
from app.models import ArtifactUpload, Experiment, storage_usage

INSTALLATION_ROW = 1


class UploadGone(Exception):
    """The upload's row is gone (the sweeper found it expired)."""


def _exceeded(scope: str, quota: int, used: int, wanted: int) -> StorageLimitExceeded:
    what = "the experiment's" if scope == "experiment" else "the installation's"
    return StorageLimitExceeded(
        f"{what} artifact storage quota of {quota} bytes would be exceeded",
        details={"scope": scope, "limit_bytes": quota, "used_bytes": used, "wanted_bytes": wanted},
    )


async def _ensure_installation_row(session: AsyncSession) -> None:
    statement = dialect_insert(session, storage_usage).values(id=INSTALLATION_ROW, used_bytes=0)
    await session.execute(statement.on_conflict_do_nothing())


async def _reserve_experiment(
    session: AsyncSession, experiment_id: uuid.UUID, amount: int, quota: int, headroom: int
) -> None:
    result = await session.execute(
        update(Experiment)
        .where(
            Experiment.id == experiment_id,
            Experiment.artifact_bytes + amount + headroom <= quota,
        )
        .values(artifact_bytes=Experiment.artifact_bytes + amount)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        used = await session.scalar(
            select(Experiment.artifact_bytes).where(Experiment.id == experiment_id)
        )
        raise _exceeded("experiment", quota, int(used or 0), amount)


async def _reserve_installation(
    session: AsyncSession, amount: int, quota: int, headroom: int
) -> None:
    row = storage_usage.c
    statement = (
        update(storage_usage)
        .where(row.id == INSTALLATION_ROW, row.used_bytes + amount + headroom <= quota)
        .values(used_bytes=row.used_bytes + amount)
    )
    for _attempt in range(2):
        if (await session.execute(statement)).rowcount == 1:  # type: ignore[attr-defined]
            return
        used = await session.scalar(select(row.used_bytes).where(row.id == INSTALLATION_ROW))
        if used is not None:
            raise _exceeded("installation", quota, int(used), amount)
        await _ensure_installation_row(session)  # a database emptied by hand
    raise _exceeded("installation", quota, 0, amount)


async def reserve(
    session: AsyncSession,
    *,
    upload_id: uuid.UUID,
    experiment_id: uuid.UUID,
    amount: int,
    settings: Settings,
    expires_at: datetime | None = None,
    headroom: int = 0,
) -> None:
    """Hold ``amount`` more bytes for an upload (``STORAGE_LIMIT_EXCEEDED`` if a quota
    would be exceeded, or if less than ``headroom`` bytes would be left free after it);
    also renews the upload's lease when ``expires_at`` is given. Raises ``UploadGone`` if
    the upload's row no longer exists."""
    values: dict[str, object] = {"reserved_bytes": ArtifactUpload.reserved_bytes + amount}
    if expires_at is not None:
        values["expires_at"] = expires_at
    result = await session.execute(
        update(ArtifactUpload)
        .where(ArtifactUpload.id == upload_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise UploadGone(str(upload_id))
    if amount > 0:
        await _reserve_experiment(
            session, experiment_id, amount, settings.artifact_quota_per_experiment_bytes, headroom
        )
        await _reserve_installation(session, amount, settings.storage_quota_bytes, headroom)


async def release(session: AsyncSession, *, experiment_id: uuid.UUID, amount: int) -> None:
    """Give ``amount`` bytes back to both quotas (the caller settles the upload's row)."""
    if amount <= 0:
        return
    await session.execute(
        update(Experiment)
        .where(Experiment.id == experiment_id)
        .values(artifact_bytes=Experiment.artifact_bytes - amount)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(storage_usage)
        .where(storage_usage.c.id == INSTALLATION_ROW)
        .values(used_bytes=storage_usage.c.used_bytes - amount)
    )


async def fits_before_younger(
    session: AsyncSession, *, upload_id: uuid.UUID, needed: int, settings: Settings
) -> bool:
    """Whether the upload would fit ``needed`` bytes in all if every upload that began
    after it (created later; the id breaks ties) gave its reservation back: the stored
    artifacts and the older uploads' reservations leave room for it in both quotas."""
    upload = await session.get(ArtifactUpload, upload_id)
    if upload is None:
        raise UploadGone(str(upload_id))
    not_older = tuple_(ArtifactUpload.created_at, ArtifactUpload.id) >= tuple_(
        upload.created_at, upload.id
    )
    mine = func.coalesce(func.sum(ArtifactUpload.reserved_bytes), 0)
    in_experiment = await session.scalar(
        select(mine).where(not_older, ArtifactUpload.experiment_id == upload.experiment_id)
    )
    anywhere = await session.scalar(select(mine).where(not_older))
    experiment_used = await session.scalar(
        select(Experiment.artifact_bytes).where(Experiment.id == upload.experiment_id)
    )
    before_me = int(experiment_used or 0) - int(in_experiment or 0)
    if before_me + needed > settings.artifact_quota_per_experiment_bytes:
        return False
    before_me = await installation_used(session) - int(anywhere or 0)
    return before_me + needed <= settings.storage_quota_bytes


async def installation_used(session: AsyncSession) -> int:
    used = await session.scalar(
        select(storage_usage.c.used_bytes).where(storage_usage.c.id == INSTALLATION_ROW)
    )
    return int(used or 0)
