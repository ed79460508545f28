"""What every upload shares: its row in ``artifact_uploads`` and its quota reservation,
and how it ends, recorded as an artifact or cleaned up. The two ways bytes arrive are
``streamed.py`` (through the service) and ``direct.py`` (straight to the store).

Nothing here holds a write transaction while bytes move. An upload is:

1. a short transaction that inserts its ``artifact_uploads`` row and reserves quota (the
   declared size, or nothing yet when the size is unknown);
2. the bytes, sent to the store while their size and SHA-256 are computed; an undeclared
   upload grows its reservation ``RESERVE_STEP`` bytes at a time while the quotas have
   room for twice that, else by exactly what it needs, each step a short transaction (and
   the lease on its row is renewed while it runs); a refused step waits for the uploads in
   flight to settle as long as the upload would fit before the younger ones
   (``quota.fits_before_younger``), so uploads that fit are not refused;
3. a short transaction that turns the upload row into the artifact row and gives back the
   unused reservation.

Any failure on the way (a limit, the client going away, the store failing) aborts the
store writer, releases the reservation and deletes the upload row: no object, no row. If
the process dies instead, the upload's lease runs out and the sweeper does the same.

An upload may *replace* the artifacts already named like it (what MLflow's artifact proxy
does with a second file at one path): the transaction that records it deletes them
(``removal.py``) and gives their bytes back to the quotas; their objects are removed from
the store after it commits.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from app.artifacts import names, quota
from app.artifacts.backing import ArtifactBacking
from app.artifacts.quota import UploadGone
from app.artifacts.removal import delete_rows
from app.db import Database
from app.errors import (
    ArtifactTooLarge,
    DomainError,
    StorageLimitExceeded,
    ValidationFailed,
)
from app.events.names import EventType
from app.events.outbox import append_event, experiment_snapshot
from app.experiments.service import get_actionable_experiment
from app.experiments.system_log import SYSTEM_SOURCE, append_system_line
from app.logs.events import publish_logs
from app.logs.service import LogLineRow
from app.models import Artifact, ArtifactUpload, Experiment, User
from app.models.base import utcnow
from app.models.enums import ArtifactKind, ExperimentStatus, LogLevel
from app.storage.base import ObjectWriter

log = logging.getLogger("expsvc.artifacts")

STREAM = "STREAM"
DIRECT = "DIRECT"
# An undeclared upload reserves quota this much at a time (while twice that is free)
RESERVE_STEP = 64 * 1024 * 1024
# A refused reservation that would fit once younger uploads give way retries this often...
QUOTA_RETRY_SECONDS = 0.05
# ...for at most this long (uploads in flight that hold the quota may stream slowly)
QUOTA_WAIT_SECONDS = 30.0
# A streamed upload's row is swept this long after its last sign of life...
STREAM_LEASE_SECONDS = 600
# ...and renewed at least this often while bytes arrive
LEASE_RENEW_SECONDS = 60
LIMIT_ERRORS = (ArtifactTooLarge, StorageLimitExceeded)


def store_key(experiment_id: uuid.UUID, artifact_id: uuid.UUID) -> str:
    """Where an artifact's bytes live: never derived from the caller's name."""
    return f"experiments/{experiment_id}/{artifact_id}"


def too_large(size: int, limit: int, *, declared: bool) -> ArtifactTooLarge:
    what = "declared size" if declared else "upload"
    return ArtifactTooLarge(
        f"the {what} ({size} bytes) is over the per-file limit of {limit} bytes",
        details={"limit_bytes": limit, "size_bytes": size},
    )


@dataclass
class Upload:
    """An upload in flight, as this process tracks it."""

    id: uuid.UUID
    experiment_id: uuid.UUID
    store_key: str
    reserved: int
    declared: int | None
    renewed: float  # time.monotonic() of the last lease renewal


@dataclass(frozen=True)
class UploadSpec:
    experiment_id: uuid.UUID
    name: str
    kind: ArtifactKind
    content_type: str | None
    declared_size: int | None
    declared_sha256: str | None = None


def checked(
    *,
    experiment_id: uuid.UUID,
    name: str | None,
    kind: str | ArtifactKind | None,
    content_type: str | None,
    size_bytes: int | None,
    sha256: str | None = None,
    min_size: int = 0,
) -> UploadSpec:
    errors = {
        field: message
        for field, message in (
            ("name", names.name_error(name)),
            ("kind", names.kind_error(kind)),
            ("sha256", names.sha256_error(sha256)),
        )
        if message
    }
    if size_bytes is not None and size_bytes < min_size:
        errors["sizeBytes"] = f"must be at least {min_size}"
    if errors:
        raise ValidationFailed(errors)
    parsed = names.parse_kind(kind)
    assert name is not None and parsed is not None
    return UploadSpec(
        experiment_id=experiment_id,
        name=name,
        kind=parsed,
        content_type=names.clean_content_type(content_type),
        declared_size=size_bytes,
        declared_sha256=sha256,
    )


async def actionable(db: Database, actor: User, experiment_id: uuid.UUID) -> Experiment:
    async with db.reader() as session:
        return await get_actionable_experiment(session, actor=actor, experiment_id=experiment_id)


async def begin(
    services: ArtifactBacking, *, actor: User, spec: UploadSpec, mode: str, expires_at: datetime
) -> Upload:
    """Insert the upload row and reserve the declared size, in one transaction. A streamed
    upload refused there starts again with nothing reserved and reserves its declared
    size as a growing upload would (waiting its turn behind older uploads in flight)."""
    reserve = spec.declared_size or 0
    try:
        return await _insert(services, actor=actor, spec=spec, mode=mode, expires_at=expires_at)
    except StorageLimitExceeded:
        if mode != STREAM:
            raise
    upload = await _insert(
        services, actor=actor, spec=spec, mode=mode, expires_at=expires_at, reserve=0
    )
    try:
        await _reserve_waiting(services, upload, reserve)
    except BaseException:
        await _abandon(services, upload.id)
        raise
    return upload


async def _insert(
    services: ArtifactBacking,
    *,
    actor: User,
    spec: UploadSpec,
    mode: str,
    expires_at: datetime,
    reserve: int | None = None,
) -> Upload:
    """The upload row with ``reserve`` bytes reserved (by default the declared size)."""
    upload_id = uuid.uuid4()
    key = store_key(spec.experiment_id, upload_id)
    amount = (spec.declared_size or 0) if reserve is None else reserve
    async with services.db.unit_of_work() as session:
        session.add(
            ArtifactUpload(
                id=upload_id,
                experiment_id=spec.experiment_id,
                mode=mode,
                name=spec.name,
                kind=spec.kind,
                content_type=spec.content_type,
                store_key=key,
                reserved_bytes=0,
                declared_size=spec.declared_size,
                declared_sha256=spec.declared_sha256,
                created_by=actor.id,
                created_at=utcnow(),
                expires_at=expires_at,
            )
        )
        await session.flush()
        await quota.reserve(
            session,
            upload_id=upload_id,
            experiment_id=spec.experiment_id,
            amount=amount,
            settings=services.settings,
        )
    return Upload(
        id=upload_id,
        experiment_id=spec.experiment_id,
        store_key=key,
        reserved=amount,
        declared=spec.declared_size,
        renewed=time.monotonic(),
    )


async def grow(services: ArtifactBacking, upload: Upload, needed: int) -> None:
    """Reserve ``needed`` bytes in all: a step ahead when the quotas have room for as much
    again after it (so one upload does not hold what others need), else exactly."""
    limit = services.settings.artifact_max_bytes
    ahead = min(max(needed, upload.reserved + RESERVE_STEP), limit)
    if ahead > needed:
        extra = ahead - upload.reserved
        try:
            await renew(services, upload, extra=extra, headroom=extra)
        except StorageLimitExceeded:
            pass
        else:
            upload.reserved = ahead
            return
    await _reserve_waiting(services, upload, needed)


async def _reserve_waiting(services: ArtifactBacking, upload: Upload, needed: int) -> None:
    """Reserve exactly ``needed`` bytes in all. Refused while the upload would fit if the
    uploads that began after it gave way (``quota.fits_before_younger``), it waits for the
    uploads in flight to settle and tries again, up to ``QUOTA_WAIT_SECONDS``; otherwise
    the refusal stands."""
    deadline = time.monotonic() + QUOTA_WAIT_SECONDS
    while True:
        try:
            await renew(services, upload, extra=needed - upload.reserved)
        except StorageLimitExceeded:
            async with services.db.reader() as session:
                fits = await quota.fits_before_younger(
                    session, upload_id=upload.id, needed=needed, settings=services.settings
                )
            if not fits or time.monotonic() >= deadline:
                raise
            await asyncio.sleep(QUOTA_RETRY_SECONDS)
            continue
        upload.reserved = needed
        return


async def renew(
    services: ArtifactBacking, upload: Upload, *, extra: int = 0, headroom: int = 0
) -> None:
    """Reserve ``extra`` bytes more (leaving ``headroom`` free) and push the lease on; one
    short transaction."""
    expires_at = utcnow() + timedelta(seconds=STREAM_LEASE_SECONDS)
    async with services.db.unit_of_work() as session:
        await quota.reserve(
            session,
            upload_id=upload.id,
            experiment_id=upload.experiment_id,
            amount=extra,
            settings=services.settings,
            expires_at=expires_at,
            headroom=headroom,
        )
    upload.renewed = time.monotonic()


async def take_upload(
    session: AsyncSession,
    upload_id: uuid.UUID,
    *,
    keep: int = 0,
    expired_before: datetime | None = None,
) -> ArtifactUpload | None:
    """Delete the upload row and give back its reservation beyond ``keep`` bytes; None if
    the row is already gone (or, with ``expired_before``, not expired by then). One
    ``DELETE … RETURNING``, so two callers never both settle the same upload and the
    reservation given back is the one the row held at that instant."""
    statement = delete(ArtifactUpload).where(ArtifactUpload.id == upload_id)
    if expired_before is not None:
        statement = statement.where(ArtifactUpload.expires_at < expired_before)
    row = (
        await session.scalars(
            statement.returning(ArtifactUpload).execution_options(synchronize_session=False)
        )
    ).one_or_none()
    if row is None:
        return None
    await quota.release(session, experiment_id=row.experiment_id, amount=row.reserved_bytes - keep)
    return row


async def record(
    services: ArtifactBacking,
    upload_id: uuid.UUID,
    size: int,
    digest: str,
    *,
    replace: bool = False,
) -> tuple[Artifact, list[str]]:
    """The upload becomes the artifact, keeping exactly ``size`` bytes of its quota. With
    ``replace``, the experiment's other artifacts of the same name are deleted in the same
    transaction; their store keys are returned for ``discard`` once it has committed."""
    replaced: list[str] = []
    async with services.db.unit_of_work() as session:
        row = await take_upload(session, upload_id, keep=size)
        if row is None:
            raise UploadGone(str(upload_id))
        if row.reserved_bytes < size:  # never: every byte was reserved before it was sent
            raise RuntimeError(f"upload {upload_id} holds less quota than its size")
        if replace:
            replaced = await delete_rows(
                session,
                row.experiment_id,
                Artifact.name == row.name,
                Artifact.id != row.id,
            )
        artifact = Artifact(
            id=row.id,
            experiment_id=row.experiment_id,
            name=row.name,
            kind=row.kind,
            size_bytes=size,
            sha256=digest,
            content_type=row.content_type,
            store_key=row.store_key,
            created_by=row.created_by,
            created_at=utcnow(),
        )
        session.add(artifact)
        await session.flush()
        if services.mirrors is not None:
            await services.mirrors.on_artifact(session, artifact)
    return artifact, replaced


async def _abandon(services: ArtifactBacking, upload_id: uuid.UUID) -> None:
    """Release an upload's reservation and delete its row (no-op if already gone)."""
    async with services.db.unit_of_work() as session:
        await take_upload(session, upload_id)


async def clean_up(services: ArtifactBacking, upload: Upload, writer: ObjectWriter | None) -> None:
    """After a failure: remove what reached the store, then the row and its reservation.

    A failure here is logged, not raised (the caller is already handling an error); the
    row then stays until its lease runs out and the sweeper finishes the job.
    """
    try:
        if writer is not None:
            await writer.abort()
        else:
            await services.store.discard(upload.store_key)
    except Exception:
        log.exception(
            "artifact upload %s: the store did not clean up; left to the sweeper", upload.id
        )
        return
    try:
        await _abandon(services, upload.id)
    except Exception:
        log.exception("artifact upload %s: its reservation is left to the sweeper", upload.id)


async def note_refusal(
    services: ArtifactBacking, experiment_id: uuid.UUID, error: DomainError
) -> None:
    """A limit refused an upload: if the experiment is RUNNING, say so in its log; a
    storage quota also writes ``StorageLimitExceeded`` to the outbox (its watchers get a
    notification). A transaction of its own: the refused one rolled back."""
    if not isinstance(error, LIMIT_ERRORS):
        return
    now = utcnow()
    message = f"artifact upload refused ({error.code}): {error.message}"
    try:
        async with services.db.unit_of_work() as session:
            experiment = await session.get(Experiment, experiment_id)
            if experiment is None:
                return
            if isinstance(error, StorageLimitExceeded):
                await append_event(
                    session,
                    EventType.STORAGE_LIMIT_EXCEEDED,
                    aggregate_id=experiment_id,
                    payload={
                        "experiment": experiment_snapshot(experiment),
                        "details": {**error.details, "message": error.message},
                    },
                )
            if experiment.status is not ExperimentStatus.RUNNING:
                return
            seq = await append_system_line(
                session, experiment_id=experiment_id, message=message, now=now
            )
    except Exception:
        log.exception("could not log the refused upload of experiment %s", experiment_id)
        return
    line = LogLineRow(
        seq=seq, timestamp=now, level=LogLevel.WARNING, message=message, source=SYSTEM_SOURCE
    )
    publish_logs(services.live, experiment_id, [line])
