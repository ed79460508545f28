"""Artifacts: streamed uploads, direct uploads, listing and lookup.

Nothing here holds a write transaction while bytes move. An upload is:

1. a short transaction that inserts its ``artifact_uploads`` row and reserves quota (the
   declared size, or nothing yet when the size is unknown);
2. the bytes, streamed to a store writer while their size and SHA-256 are computed; an
   undeclared upload grows its reservation ``RESERVE_STEP`` bytes at a time while the
   quotas have room for twice that, else by exactly what it needs, each step a short
   transaction (and the lease on its row is renewed while it runs); a refused step waits
   for the uploads in flight to settle as long as the upload would fit before the younger
   ones (``quota.fits_before_younger``), so uploads that fit are not refused;
3. a short transaction that turns the upload row into the artifact row and gives back the
   unused reservation.

Any failure on the way (a limit, the client going away, the store failing) aborts the
store writer, releases the reservation and deletes the upload row: no object, no row. If
the process dies instead, the upload's lease runs out and the sweeper does the same.

An upload may *replace* the artifacts already named like it (what MLflow's artifact proxy
does with a second file at one path): the transaction that records it deletes them and
gives their bytes back to the quotas; their objects are removed from the store after it
commits. ``delete_artifacts`` removes artifacts the same way.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import secrets
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.artifacts import names, quota
from app.artifacts.quota import UploadGone
from app.config import Settings
from app.db import Database
from app.errors import (
    ArtifactTooLarge,
    DomainError,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    StorageLimitExceeded,
    ValidationFailed,
)
from app.events.names import EventType
from app.events.outbox import append_event, experiment_snapshot
from app.experiments.service import get_actionable_experiment, get_experiment
from app.logs.events import publish_logs
from app.logs.service import LogLineRow
from app.logs.system import SYSTEM_SOURCE, append_system_line
from app.models import Artifact, ArtifactUpload, Experiment, User
from app.models.base import utcnow
from app.models.enums import ArtifactKind, ExperimentStatus, LogLevel
from app.services import Services
from app.storage.base import DirectPlan, IncompleteUpload, InvalidUpload, ObjectWriter

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


def download_path(artifact: Artifact) -> str:
    return f"/api/v1/experiments/{artifact.experiment_id}/artifacts/{artifact.id}/content"


def download_url(settings: Settings, artifact: Artifact) -> str:
    """Absolute with ``EXPSVC_PUBLIC_BASE_URL``, else relative to the service."""
    return settings.public_base_url.rstrip("/") + download_path(artifact)


def _too_large(size: int, limit: int, *, declared: bool) -> ArtifactTooLarge:
    what = "declared size" if declared else "upload"
    return ArtifactTooLarge(
        f"the {what} ({size} bytes) is over the per-file limit of {limit} bytes",
        details={"limit_bytes": limit, "size_bytes": size},
    )


# --- reading ---------------------------------------------------------------------------


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


# --- the upload row and its reservation ---------------------------------------------------


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


def _checked(
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


async def _actionable(db: Database, actor: User, experiment_id: uuid.UUID) -> Experiment:
    async with db.reader() as session:
        return await get_actionable_experiment(session, actor=actor, experiment_id=experiment_id)


async def _begin(
    services: Services, *, actor: User, spec: UploadSpec, mode: str, expires_at: datetime
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
    services: Services,
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


async def _grow(services: Services, upload: Upload, needed: int) -> None:
    """Reserve ``needed`` bytes in all: a step ahead when the quotas have room for as much
    again after it (so one upload does not hold what others need), else exactly."""
    limit = services.settings.artifact_max_bytes
    ahead = min(max(needed, upload.reserved + RESERVE_STEP), limit)
    if ahead > needed:
        extra = ahead - upload.reserved
        try:
            await _renew(services, upload, extra=extra, headroom=extra)
        except StorageLimitExceeded:
            pass
        else:
            upload.reserved = ahead
            return
    await _reserve_waiting(services, upload, needed)


async def _reserve_waiting(services: Services, upload: Upload, needed: int) -> None:
    """Reserve exactly ``needed`` bytes in all. Refused while the upload would fit if the
    uploads that began after it gave way (``quota.fits_before_younger``), it waits for the
    uploads in flight to settle and tries again, up to ``QUOTA_WAIT_SECONDS``; otherwise
    the refusal stands."""
    deadline = time.monotonic() + QUOTA_WAIT_SECONDS
    while True:
        try:
            await _renew(services, upload, extra=needed - upload.reserved)
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


async def _renew(services: Services, upload: Upload, *, extra: int = 0, headroom: int = 0) -> None:
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


async def _record(
    services: Services, upload_id: uuid.UUID, size: int, digest: str, *, replace: bool = False
) -> tuple[Artifact, list[str]]:
    """The upload becomes the artifact, keeping exactly ``size`` bytes of its quota. With
    ``replace``, the experiment's other artifacts of the same name are deleted in the same
    transaction; their store keys are returned for ``_discard`` once it has committed."""
    replaced: list[str] = []
    async with services.db.unit_of_work() as session:
        row = await take_upload(session, upload_id, keep=size)
        if row is None:
            raise UploadGone(str(upload_id))
        if row.reserved_bytes < size:  # never: every byte was reserved before it was sent
            raise RuntimeError(f"upload {upload_id} holds less quota than its size")
        if replace:
            replaced = await _delete_rows(
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


async def _delete_rows(
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


async def _discard(services: Services, keys: list[str]) -> None:
    """Remove deleted artifacts' objects. Their rows are already gone, so a failure only
    leaves an unreferenced object behind: logged, not raised."""
    for key in keys:
        try:
            await services.store.discard(key)
        except Exception:
            log.exception("could not remove the deleted artifact object %s", key)


async def delete_artifacts(
    services: Services, *, actor: User, experiment_id: uuid.UUID, path: str
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
        keys = await _delete_rows(session, experiment_id, *where)
    await _discard(services, keys)
    return len(keys)


async def _abandon(services: Services, upload_id: uuid.UUID) -> None:
    """Release an upload's reservation and delete its row (no-op if already gone)."""
    async with services.db.unit_of_work() as session:
        await take_upload(session, upload_id)


async def _clean_up(services: Services, upload: Upload, writer: ObjectWriter | None) -> None:
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


async def note_refusal(services: Services, experiment_id: uuid.UUID, error: DomainError) -> None:
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


# --- streamed uploads ------------------------------------------------------------------


async def _pump(
    services: Services,
    upload: Upload,
    writer: ObjectWriter,
    chunks: AsyncIterator[bytes],
) -> tuple[int, str]:
    """Copy the chunks to the store; return (size, sha256). Limits are checked per chunk."""
    limit = services.settings.artifact_max_bytes
    hasher = hashlib.sha256()
    size = 0
    async for chunk in chunks:
        if not chunk:
            continue
        size += len(chunk)
        if size > limit:
            raise _too_large(size, limit, declared=False)
        if upload.declared is not None and size > upload.declared:
            raise ValidationFailed(
                {"sizeBytes": f"the file is larger than the declared {upload.declared} bytes"}
            )
        if size > upload.reserved:
            await _grow(services, upload, size)
        elif time.monotonic() - upload.renewed > LEASE_RENEW_SECONDS:
            await _renew(services, upload)
        hasher.update(chunk)
        await writer.write(chunk)
    return size, hasher.hexdigest()


async def upload_artifact(
    services: Services,
    *,
    actor: User,
    experiment_id: uuid.UUID,
    name: str | None,
    kind: str | ArtifactKind | None,
    content_type: str | None,
    size_bytes: int | None,
    chunks: AsyncIterator[bytes],
    replace: bool = False,
) -> Artifact:
    """Stream one file into the store and record it; see the module docstring. With
    ``replace``, the experiment's artifacts of the same name are deleted when it is
    recorded (not if it fails)."""
    spec = _checked(
        experiment_id=experiment_id,
        name=name,
        kind=kind,
        content_type=content_type,
        size_bytes=size_bytes,
    )
    await _actionable(services.db, actor, experiment_id)
    limit = services.settings.artifact_max_bytes
    expires_at = utcnow() + timedelta(seconds=STREAM_LEASE_SECONDS)
    try:
        if spec.declared_size is not None and spec.declared_size > limit:
            raise _too_large(spec.declared_size, limit, declared=True)
        upload = await _begin(services, actor=actor, spec=spec, mode=STREAM, expires_at=expires_at)
    except LIMIT_ERRORS as exc:
        await note_refusal(services, experiment_id, exc)
        raise
    writer: ObjectWriter | None = None
    try:
        writer = await services.store.open_writer(upload.store_key)
        size, digest = await _pump(services, upload, writer, chunks)
        await writer.commit()
        artifact, replaced = await _record(services, upload.id, size, digest, replace=replace)
    except BaseException as exc:
        await _clean_up(services, upload, writer)
        if isinstance(exc, LIMIT_ERRORS):
            await note_refusal(services, experiment_id, exc)
        if isinstance(exc, UploadGone):
            raise NotFound("artifact upload", upload.id) from None
        raise
    await _discard(services, replaced)
    return artifact


# --- direct uploads --------------------------------------------------------------------


@dataclass(frozen=True)
class DirectUpload:
    id: uuid.UUID
    urls: list[str]
    part_size: int
    expires_at: datetime


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_direct_upload(
    services: Services,
    *,
    actor: User,
    experiment_id: uuid.UUID,
    name: str | None,
    kind: str | ArtifactKind | None,
    size_bytes: int,
    sha256: str | None,
    content_type: str | None = None,
    base_url: str,
) -> DirectUpload:
    """Reserve the declared size and hand out URL(s) the client sends the bytes to.

    On S3 these are presigned ``UploadPart`` URLs; the local store has none, so the URL is
    the service's own ``PUT /api/v1/artifact-uploads/{id}?token=…`` (a random token whose
    hash is kept on the upload row). ``base_url`` is where the service is reached.
    """
    spec = _checked(
        experiment_id=experiment_id,
        name=name,
        kind=kind,
        content_type=content_type,
        size_bytes=size_bytes,
        sha256=sha256,
        min_size=1,
    )
    await _actionable(services.db, actor, experiment_id)
    settings = services.settings
    expiry = settings.artifact_upload_expiry_seconds
    expires_at = utcnow() + timedelta(seconds=expiry)
    try:
        if size_bytes > settings.artifact_max_bytes:
            raise _too_large(size_bytes, settings.artifact_max_bytes, declared=True)
        upload = await _begin(services, actor=actor, spec=spec, mode=DIRECT, expires_at=expires_at)
    except LIMIT_ERRORS as exc:
        await note_refusal(services, experiment_id, exc)
        raise
    try:
        plan = await services.store.start_direct(upload.store_key, size_bytes, expiry)
        token = None if plan.urls is not None else secrets.token_urlsafe(32)
        async with services.db.unit_of_work() as session:
            row = await session.get_one(ArtifactUpload, upload.id)
            row.store_upload_id = plan.upload_id
            row.part_size = plan.part_size
            row.part_count = plan.part_count
            row.token_hash = token_hash(token) if token is not None else None
    except BaseException:
        await _clean_up(services, upload, None)
        raise
    urls = plan.urls
    if urls is None:
        assert token is not None
        urls = [f"{base_url.rstrip('/')}/api/v1/artifact-uploads/{upload.id}?token={token}"]
    return DirectUpload(id=upload.id, urls=urls, part_size=plan.part_size, expires_at=expires_at)


async def _direct_row(db: Database, upload_id: uuid.UUID) -> ArtifactUpload:
    async with db.reader() as session:
        row = await session.get(ArtifactUpload, upload_id)
    if row is None or row.mode != DIRECT:
        raise NotFound("artifact upload", upload_id)
    return row


async def receive_direct_body(
    services: Services,
    *,
    upload_id: uuid.UUID,
    token: str | None,
    chunks: AsyncIterator[bytes],
) -> tuple[int, str]:
    """The body of ``PUT /artifact-uploads/{id}`` (local store): stored at the upload's key,
    replacing an earlier attempt. Returns (size, sha256) of what arrived."""
    row = await _direct_row(services.db, upload_id)
    if row.token_hash is None or not hmac.compare_digest(token_hash(token or ""), row.token_hash):
        raise Forbidden("this upload URL is not valid")
    if row.expires_at <= utcnow():
        raise Forbidden("this upload URL has expired")
    declared = int(row.declared_size or 0)
    writer = await services.store.open_writer(row.store_key)
    hasher = hashlib.sha256()
    size = 0
    try:
        async for chunk in chunks:
            size += len(chunk)
            if size > declared:
                raise PayloadTooLarge(
                    f"more than the declared {declared} bytes",
                    details={"limit_bytes": declared},
                )
            hasher.update(chunk)
            await writer.write(chunk)
        await writer.commit()
    except BaseException:
        try:
            await writer.abort()
        except Exception:
            log.exception("artifact upload %s: a failed PUT left a file behind", upload_id)
        raise
    return size, hasher.hexdigest()


async def _checksum(services: Services, key: str) -> str:
    hasher = hashlib.sha256()
    async for chunk in services.store.read(key):
        hasher.update(chunk)
    return hasher.hexdigest()


async def _refuse_and_clean(
    services: Services, row: ArtifactUpload, error: DomainError
) -> DomainError:
    await _clean_up(
        services,
        Upload(row.id, row.experiment_id, row.store_key, row.reserved_bytes, None, 0.0),
        None,
    )
    return error


async def complete_direct_upload(
    services: Services, *, actor: User, upload_id: uuid.UUID
) -> Artifact:
    """Check what reached the store (size, and SHA-256 when it was declared) and make it
    an artifact. Missing parts answer ``VALIDATION_FAILED`` and keep the upload, so the
    client can send them and complete again; a wrong size or checksum answers
    ``VALIDATION_FAILED`` and removes the upload, its bytes and its reservation."""
    row = await _direct_row(services.db, upload_id)
    await _actionable(services.db, actor, row.experiment_id)
    if row.expires_at <= utcnow():
        raise await _refuse_and_clean(services, row, NotFound("artifact upload", upload_id))
    plan = DirectPlan(
        upload_id=row.store_upload_id,
        part_size=int(row.part_size or 0),
        part_count=int(row.part_count or 0),
        urls=None,
    )
    try:
        await services.store.finish_direct(row.store_key, plan)
    except IncompleteUpload as exc:
        raise ValidationFailed({"parts": str(exc)}, "the upload is not complete") from None
    except InvalidUpload as exc:
        raise await _refuse_and_clean(
            services, row, ValidationFailed({"parts": str(exc)})
        ) from None
    declared = int(row.declared_size or 0)
    size = await services.store.size(row.store_key)
    if size != declared:
        raise await _refuse_and_clean(
            services,
            row,
            ValidationFailed(
                {"sizeBytes": f"{size or 0} bytes arrived, {declared} were declared"},
                "the upload does not match its declared size",
            ),
        )
    digest = await _checksum(services, row.store_key)
    if row.declared_sha256 is not None and digest != row.declared_sha256:
        raise await _refuse_and_clean(
            services,
            row,
            ValidationFailed(
                {"sha256": f"the bytes that arrived have SHA-256 {digest}"},
                "the upload does not match its declared checksum",
            ),
        )
    try:
        artifact, _replaced = await _record(services, row.id, declared, digest)
        return artifact
    except UploadGone:
        raise NotFound("artifact upload", upload_id) from None
