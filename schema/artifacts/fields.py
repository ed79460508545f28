"""The three upload mutations.

``uploadArtifact`` takes the file as an ``Upload`` (GraphQL multipart request spec); the file
arrives as a ``StreamedUpload`` whose bytes are read from the request body while they are
stored (see ``app.artifacts.uploads``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import strawberry
from starlette.requests import Request
from strawberry.file_uploads import Upload

from app.artifacts import direct, streamed
from app.artifacts.uploads import StreamedUpload
from app.errors import ValidationFailed
from app.models.enums import ArtifactKind
from app.rest.artifact_links import direct_upload_urls, origin
from schema.artifacts.types import Artifact, ArtifactUpload
from schema.context import Info, parse_id
from schema.scalars import BigInt

READ_CHUNK_BYTES = 1024 * 1024


async def _spooled_chunks(file: Any) -> AsyncIterator[bytes]:
    """An upload strawberry parsed itself (a Starlette ``UploadFile``), in chunks."""
    while chunk := await file.read(READ_CHUNK_BYTES):
        yield chunk


def _base_url(info: Info) -> str:
    """Where clients reach the service (the origin of this request, unless configured)."""
    request = info.context.request
    if isinstance(request, Request):
        return origin(info.context.settings, request)
    return info.context.settings.public_base_url


async def upload_artifact(
    info: Info,
    experiment_id: strawberry.ID,
    file: Upload,
    kind: ArtifactKind,
    name: str | None = None,
    size_bytes: Annotated[
        BigInt | None,
        strawberry.argument(
            description="The file's size if known: limits are then checked before any byte moves."
        ),
    ] = None,
) -> Artifact:
    actor = await info.context.actor()
    upload: Any = file
    if isinstance(upload, StreamedUpload):
        part = await upload.open()
        filename, content_type, chunks = part.filename, part.content_type, upload.chunks()
    elif hasattr(upload, "read"):
        filename = getattr(upload, "filename", None)
        content_type = getattr(upload, "content_type", None)
        chunks = _spooled_chunks(upload)
    else:
        raise ValidationFailed({"file": "must be a file part of a multipart request"})
    row = await streamed.upload_artifact(
        info.context.services,
        actor=actor,
        experiment_id=parse_id(experiment_id, "experiment"),
        name=name if name is not None else filename,
        kind=kind,
        content_type=content_type,
        size_bytes=size_bytes,
        chunks=chunks,
    )
    return Artifact.from_row(row)


UPLOAD_ARTIFACT_DESCRIPTION = (
    "Upload a file (GraphQL multipart request), streamed to the store while its size and "
    "SHA-256 are computed. Allowed whatever the status, also after the run ended. "
    "ARTIFACT_TOO_LARGE / STORAGE_LIMIT_EXCEEDED as soon as a limit is crossed; a refused "
    "or failed upload leaves nothing behind. name defaults to the file's name."
)


async def create_artifact_upload(
    info: Info,
    experiment_id: strawberry.ID,
    name: str,
    kind: ArtifactKind,
    size_bytes: BigInt,
    sha256: str | None = None,
) -> ArtifactUpload:
    actor = await info.context.actor()
    upload = await direct.create_direct_upload(
        info.context.services,
        actor=actor,
        experiment_id=parse_id(experiment_id, "experiment"),
        name=name,
        kind=kind,
        size_bytes=size_bytes,
        sha256=sha256,
    )
    return ArtifactUpload(
        id=strawberry.ID(str(upload.id)),
        urls=direct_upload_urls(upload, _base_url(info)),
        part_size_bytes=BigInt(upload.part_size),
        expires_at=upload.expires_at,
    )


CREATE_ARTIFACT_UPLOAD_DESCRIPTION = (
    "Start a direct upload of a large file: reserves sizeBytes of the quotas and returns "
    "the URL(s) to PUT the bytes to (presigned S3 part URLs; on the local store, the "
    "service's own upload URL), valid until expiresAt."
)


async def complete_artifact_upload(info: Info, id: strawberry.ID) -> Artifact:
    actor = await info.context.actor()
    row = await direct.complete_direct_upload(
        info.context.services, actor=actor, upload_id=parse_id(id, "artifact upload")
    )
    return Artifact.from_row(row)


COMPLETE_ARTIFACT_UPLOAD_DESCRIPTION = (
    "Finish a direct upload: checks the stored size (and the SHA-256 when one was given) "
    "and makes the artifact visible. VALIDATION_FAILED with `parts` while parts are "
    "missing (try again after sending them); with `sizeBytes` or `sha256` when the bytes "
    "do not match (the upload is then removed)."
)


@strawberry.type
class ArtifactMutations:
    upload_artifact: Artifact = strawberry.mutation(
        resolver=upload_artifact, description=UPLOAD_ARTIFACT_DESCRIPTION
    )

    create_artifact_upload: ArtifactUpload = strawberry.mutation(
        resolver=create_artifact_upload, description=CREATE_ARTIFACT_UPLOAD_DESCRIPTION
    )

    complete_artifact_upload: Artifact = strawberry.mutation(
        resolver=complete_artifact_upload, description=COMPLETE_ARTIFACT_UPLOAD_DESCRIPTION
    )
