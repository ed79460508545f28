"""GraphQL artifact types."""

from __future__ import annotations

from datetime import datetime

import strawberry

import schema.enums  # noqa: F401  (registers ArtifactKind as the GraphQL enum)
from app.models import Artifact as ArtifactRow
from app.models.enums import ArtifactKind
from app.rest.artifact_links import download_url
from schema.context import Info
from schema.scalars import BigInt


@strawberry.type(description="A file attached to an experiment: a model, checkpoint, report…")
class Artifact:
    row: strawberry.Private[ArtifactRow]
    id: strawberry.ID
    name: str
    kind: ArtifactKind
    size_bytes: BigInt
    sha256: str = strawberry.field(description="SHA-256 of the content, 64 lower-case hex digits.")
    content_type: str | None
    created_at: datetime

    @classmethod
    def from_row(cls, row: ArtifactRow) -> Artifact:
        return cls(
            row=row,
            id=strawberry.ID(str(row.id)),
            name=row.name,
            kind=row.kind,
            size_bytes=BigInt(row.size_bytes),
            sha256=row.sha256,
            content_type=row.content_type,
            created_at=row.created_at,
        )

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
