"""GraphQL artifact types and the three upload mutations.

The resolvers are plain functions that ``schema/mutations.py`` attaches with
``strawberry.mutation(resolver=…)``. ``uploadArtifact`` takes the file as an ``Upload``
(GraphQL multipart request spec); the file arrives as a ``StreamedUpload`` whose bytes are
read from the request body while they are stored (see ``app.artifacts.uploads``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any

import strawberry
from starlette.requests import Request
from strawberry.file_uploads import Upload

import schema.enums  # noqa: F401  (registers ArtifactKind as the GraphQL enum)
from app.artifacts import direct, streamed
from app.artifacts.uploads import StreamedUpload
from app.errors import ValidationFailed
from app.models import Artifact as ArtifactRow
from app.models.enums import ArtifactKind
from app.rest.artifact_links import direct_upload_urls, download_url, origin
from schema.context import Info, parse_id
from schema.scalars import BigInt

READ_CHUNK_BYTES = 1024 * 1024


@strawberry.type(description="A file attached to an experiment: a model, checkpoint, report…")
class Artifact:
    row: strawberry.Private[ArtifactRow]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def kind(self) -> ArtifactKind:
        return self.row.kind

    @strawberry.field
    def size_bytes(self) -> BigInt:
        return BigInt(self.row.size_bytes)

    @strawberry.field(description="SHA-256 of the content, 64 lower-case hex digits.")
    def sha256(self) -> str:
        return self.row.sha256

    @strawberry.field
    def content_type(self) -> str | None:
        return self.row.content_type

    @strawberry.field
    def created_at(self) -> datetime:
        return self.row.created_at

    @strawberry.field(
        description="GET it with the bearer token for the bytes (Range supported; on S3 it "
        "redirects to a short-lived presigned URL). Relative unless EXPSVC_PUBLIC_BASE_URL "
        "is set."
    )
    def download_url(self, info: Info) -> str:
        return download_url(info.context.settings, self.row)


@strawberry.type(
    description="Where to send the bytes of a direct upload: PUT part i (bytes "
    "[i*partSizeBytes, (i+1)*partSizeBytes)) to urls[i], then completeArtifactUpload."
)
class ArtifactUpload:
    id: strawberry.ID
    urls: list[str]
    part_size_bytes: BigInt
    expires_at: datetime


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
    return Artifact(row=row)


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
    return Artifact(row=row)


COMPLETE_ARTIFACT_UPLOAD_DESCRIPTION = (
    "Finish a direct upload: checks the stored size (and the SHA-256 when one was given) "
    "and makes the artifact visible. VALIDATION_FAILED with `parts` while parts are "
    "missing (try again after sending them); with `sizeBytes` or `sha256` when the bytes "
    "do not match (the upload is then removed)."
)
