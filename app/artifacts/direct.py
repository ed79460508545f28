"""Direct uploads: the client sends the bytes straight to the store (presigned S3 part
URLs), or, on the local store, to the service's own upload URL with a one-time token;
completing one checks what arrived and records it (``reservations.py``)."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.artifacts.backing import ArtifactBacking
from app.artifacts.quota import UploadGone
from app.artifacts.reservations import (
    DIRECT,
    LIMIT_ERRORS,
    Upload,
    actionable,
    begin,
    checked,
    clean_up,
    note_refusal,
    record,
    too_large,
)
from app.db import Database
from app.errors import (
    DomainError,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    ValidationFailed,
)
from app.models import Artifact, ArtifactUpload, User
from app.models.base import utcnow
from app.models.enums import ArtifactKind
from app.storage.base import DirectPlan, IncompleteUpload, InvalidUpload

log = logging.getLogger("expsvc.artifacts")


@dataclass(frozen=True)
class DirectUpload:
    """Where the bytes go: the store's presigned ``urls`` (one per part), or, on the local
    store (``urls`` None), the service's own upload URL with ``token`` (``app/rest/
    artifact_links.py`` builds it)."""

    id: uuid.UUID
    urls: list[str] | None
    token: str | None
    part_size: int
    expires_at: datetime


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_direct_upload(
    services: ArtifactBacking,
    *,
    actor: User,
    experiment_id: uuid.UUID,
    name: str | None,
    kind: str | ArtifactKind | None,
    size_bytes: int,
    sha256: str | None,
    content_type: str | None = None,
) -> DirectUpload:
    """Reserve the declared size and say where the client sends the bytes.

    On S3 these are presigned ``UploadPart`` URLs; the local store has none, so the client
    sends them to the service's own ``PUT /api/v1/artifact-uploads/{id}?token=…`` (a
    random token whose hash is kept on the upload row).
    """
    spec = checked(
        experiment_id=experiment_id,
        name=name,
        kind=kind,
        content_type=content_type,
        size_bytes=size_bytes,
        sha256=sha256,
        min_size=1,
    )
    await actionable(services.db, actor, experiment_id)
    settings = services.settings
    expiry = settings.artifact_upload_expiry_seconds
    expires_at = utcnow() + timedelta(seconds=expiry)
    try:
        if size_bytes > settings.artifact_max_bytes:
            raise too_large(size_bytes, settings.artifact_max_bytes, declared=True)
        upload = await begin(services, actor=actor, spec=spec, mode=DIRECT, expires_at=expires_at)
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
        await clean_up(services, upload, None)
        raise
    return DirectUpload(
        id=upload.id,
        urls=plan.urls,
        token=token,
        part_size=plan.part_size,
        expires_at=expires_at,
    )


async def _direct_row(db: Database, upload_id: uuid.UUID) -> ArtifactUpload:
    async with db.reader() as session:
        row = await session.get(ArtifactUpload, upload_id)
    if row is None or row.mode != DIRECT:
        raise NotFound("artifact upload", upload_id)
    return row


async def receive_direct_body(
    services: ArtifactBacking,
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


async def _checksum(services: ArtifactBacking, key: str) -> str:
    hasher = hashlib.sha256()
    async for chunk in services.store.read(key):
        hasher.update(chunk)
    return hasher.hexdigest()


async def _refuse_and_clean(
    services: ArtifactBacking, row: ArtifactUpload, error: DomainError
) -> DomainError:
    await clean_up(
        services,
        Upload(row.id, row.experiment_id, row.store_key, row.reserved_bytes, None, 0.0),
        None,
    )
    return error


async def complete_direct_upload(
    services: ArtifactBacking, *, actor: User, upload_id: uuid.UUID
) -> Artifact:
    """Check what reached the store (size, and SHA-256 when it was declared) and make it
    an artifact. Missing parts answer ``VALIDATION_FAILED`` and keep the upload, so the
    client can send them and complete again; a wrong size or checksum answers
    ``VALIDATION_FAILED`` and removes the upload, its bytes and its reservation."""
    row = await _direct_row(services.db, upload_id)
    await actionable(services.db, actor, row.experiment_id)
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
        artifact, _replaced = await record(services, row.id, declared, digest)
        return artifact
    except UploadGone:
        raise NotFound("artifact upload", upload_id) from None
