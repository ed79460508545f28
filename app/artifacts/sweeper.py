"""The upload sweeper: finishes the cleanup of uploads whose lease ran out.

A streamed upload renews its lease while bytes arrive and a direct upload's lease is its
URLs' lifetime, so an expired ``artifact_uploads`` row belongs to a process that died
mid-upload, a client that went away, or a direct upload never completed. For each, one
transaction deletes the row and releases its reservation (guarded by "still expired", so
a renewal that lands first wins), then whatever reached the store at its key is removed.
Runs on one replica at a time (``app.leader``).
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from sqlalchemy import select

from app.artifacts.backing import ArtifactBacking
from app.artifacts.reservations import take_upload
from app.leader import LeaderLock, PeriodicJob
from app.models import ArtifactUpload
from app.models.base import utcnow

log = logging.getLogger("expsvc.artifacts.sweeper")

JOB_NAME = "artifact-upload-sweeper"
INTERVAL_SECONDS = 60.0
BATCH_SIZE = 100


async def sweep_expired_uploads(services: ArtifactBacking, *, now: datetime | None = None) -> int:
    """Clean up every upload expired at ``now``; return how many were removed."""
    now = now or utcnow()
    query = (
        select(ArtifactUpload.id)
        .where(ArtifactUpload.expires_at < now)
        .order_by(ArtifactUpload.expires_at)
        .limit(BATCH_SIZE)
    )
    async with services.db.reader() as session:
        ids = list((await session.scalars(query)).all())
    removed = 0
    for upload_id in ids:
        if await _sweep_one(services, upload_id, now):
            removed += 1
    return removed


async def _sweep_one(services: ArtifactBacking, upload_id: uuid.UUID, now: datetime) -> bool:
    try:
        async with services.db.unit_of_work() as session:
            row = await take_upload(session, upload_id, expired_before=now)
        if row is None:
            return False
        await services.store.discard(row.store_key)
    except Exception:
        log.exception("artifact upload %s: cleanup failed; retried next run", upload_id)
        return False
    log.info("artifact upload %s expired and was removed", upload_id)
    return True


def upload_sweeper(services: ArtifactBacking) -> PeriodicJob:
    async def run() -> int:
        return await sweep_expired_uploads(services)

    return PeriodicJob(JOB_NAME, INTERVAL_SECONDS, run, LeaderLock(services.db, JOB_NAME))
