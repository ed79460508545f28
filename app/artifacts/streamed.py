"""Streamed uploads: the bytes pass through the service on their way to the store
(``reservations.py`` holds the row, the reservation and the ending)."""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

from app.artifacts.backing import ArtifactBacking
from app.artifacts.quota import UploadGone
from app.artifacts.removal import discard
from app.artifacts.reservations import (
    LEASE_RENEW_SECONDS,
    LIMIT_ERRORS,
    STREAM,
    STREAM_LEASE_SECONDS,
    Upload,
    actionable,
    begin,
    checked,
    clean_up,
    grow,
    note_refusal,
    record,
    renew,
    too_large,
)
from app.errors import (
    NotFound,
    ValidationFailed,
)
from app.models import Artifact, User
from app.models.base import utcnow
from app.models.enums import ArtifactKind
from app.storage.base import ObjectWriter


async def _pump(
    services: ArtifactBacking,
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
            raise too_large(size, limit, declared=False)
        if upload.declared is not None and size > upload.declared:
            raise ValidationFailed(
                {"sizeBytes": f"the file is larger than the declared {upload.declared} bytes"}
            )
        if size > upload.reserved:
            await grow(services, upload, size)
        elif time.monotonic() - upload.renewed > LEASE_RENEW_SECONDS:
            await renew(services, upload)
        hasher.update(chunk)
        await writer.write(chunk)
    return size, hasher.hexdigest()


async def upload_artifact(
    services: ArtifactBacking,
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
    spec = checked(
        experiment_id=experiment_id,
        name=name,
        kind=kind,
        content_type=content_type,
        size_bytes=size_bytes,
    )
    await actionable(services.db, actor, experiment_id)
    limit = services.settings.artifact_max_bytes
    expires_at = utcnow() + timedelta(seconds=STREAM_LEASE_SECONDS)
    try:
        if spec.declared_size is not None and spec.declared_size > limit:
            raise too_large(spec.declared_size, limit, declared=True)
        upload = await begin(services, actor=actor, spec=spec, mode=STREAM, expires_at=expires_at)
    except LIMIT_ERRORS as exc:
        await note_refusal(services, experiment_id, exc)
        raise
    writer: ObjectWriter | None = None
    try:
        writer = await services.store.open_writer(upload.store_key)
        size, digest = await _pump(services, upload, writer, chunks)
        await writer.commit()
        artifact, replaced = await record(services, upload.id, size, digest, replace=replace)
    except BaseException as exc:
        await clean_up(services, upload, writer)
        if isinstance(exc, LIMIT_ERRORS):
            await note_refusal(services, experiment_id, exc)
        if isinstance(exc, UploadGone):
            raise NotFound("artifact upload", upload.id) from None
        raise
    await discard(services, replaced)
    return artifact
