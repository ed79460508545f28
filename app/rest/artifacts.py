"""Artifact routes: streamed uploads, listing, ranged downloads, and direct uploads.

``POST /experiments/{id}/artifacts`` streams the request body to the store as it arrives:
a ``multipart/form-data`` body is parsed part by part (``app.artifacts.multipart``), and any
other body is taken as the file itself (``curl -X POST -T``), with ``kind`` and ``name`` in the
query. Nothing is spooled, so an upload over a limit is refused the moment it crosses it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

from app.artifacts import direct, reading, streamed
from app.artifacts.multipart import MultipartReader, boundary_of
from app.artifacts.names import file_name
from app.artifacts.ranges import ByteRange, Unsatisfiable, parse_range
from app.config import Settings
from app.errors import (
    ArtifactTooLarge,
    BadRequest,
    Forbidden,
    StorageLimitExceeded,
    ValidationFailed,
)
from app.models import Artifact
from app.models.enums import ArtifactKind
from app.rest.artifact_links import direct_upload_urls, download_url, origin
from app.rest.body import QueryModel
from app.rest.endpoints import Call, Endpoint
from app.rest.errors import envelope
from app.rest.schemas import Out
from app.rest.serializers import iso
from app.storage.base import ArtifactStore, content_disposition, prefetched
from app.validation import INT64_MAX

FORM_FIELDS = frozenset({"kind", "name", "size_bytes"})
FORM_FIELD_LIMIT = 64 * 1024
OCTET_STREAM = "application/octet-stream"
TAGS = ("artifacts",)
LIMITS = (ArtifactTooLarge, StorageLimitExceeded)


# --- shapes ----------------------------------------------------------------------------


class ArtifactOut(Out):
    id: str
    experiment_id: str
    name: str
    kind: ArtifactKind
    size_bytes: int
    sha256: str
    content_type: str | None
    created_at: datetime
    download_url: str = Field(description="GET it (with the bearer token) for the bytes")


class ArtifactListOut(Out):
    artifacts: list[ArtifactOut]


class ArtifactUploadIn(BaseModel):
    name: str
    kind: ArtifactKind
    size_bytes: int = Field(ge=1, le=INT64_MAX)
    sha256: str | None = Field(default=None, description="64 lower-case hex digits")
    content_type: str | None = None


class ArtifactUploadOut(Out):
    id: str
    urls: list[str] = Field(
        description="PUT part i (bytes [i*part_size_bytes, (i+1)*part_size_bytes)) to urls[i]"
    )
    part_size_bytes: int
    expires_at: datetime


class UploadQuery(QueryModel):
    kind: ArtifactKind | None = Field(default=None, description="Or a `kind` form field")
    name: str | None = Field(
        default=None, description="Or a `name` form field; default: the file's name"
    )
    size_bytes: int | None = Field(
        default=None,
        ge=0,
        le=INT64_MAX,
        description="The file's size, if known: limits are then checked before any byte is "
        "sent (a raw body's Content-Length counts as this)",
    )

    @field_validator("kind", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value


class ContentQuery(QueryModel):
    redirect: bool = Field(
        default=True,
        description="S3 store: answer 307 to a short-lived presigned URL (default) "
        "or, with false, stream the bytes through the service",
    )


class TokenQuery(QueryModel):
    token: str = Field(description="The secret that came with the upload URL")


def artifact_json(settings: Settings, row: Artifact) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "experiment_id": str(row.experiment_id),
        "name": row.name,
        "kind": row.kind.value,
        "size_bytes": row.size_bytes,
        "sha256": row.sha256,
        "content_type": row.content_type,
        "created_at": iso(row.created_at),
        "download_url": download_url(settings, row),
    }


# --- uploading -------------------------------------------------------------------------


def _size(value: str | int | None, field: str = "size_bytes") -> int | None:
    if value is None or isinstance(value, int):
        return value
    value = value.strip()
    if not (value.isascii() and value.isdigit()) or int(value) > INT64_MAX:
        raise ValidationFailed({field: f"must be a whole number of bytes, 0-{INT64_MAX}"})
    return int(value)


async def _multipart_upload(call: Call, query: UploadQuery, boundary: bytes) -> Artifact:
    """Form fields (``kind``, ``name``, ``size_bytes``) must come before the file part."""
    reader = MultipartReader(call.request.stream(), boundary)
    fields: dict[str, str | None] = {
        "kind": query.kind.value if query.kind else None,
        "name": query.name,
        "size_bytes": None if query.size_bytes is None else str(query.size_bytes),
    }
    while (part := await reader.next_part()) is not None:
        if part.filename is None and part.name != "file":
            if part.name in FORM_FIELDS:
                value = await reader.read_value(FORM_FIELD_LIMIT)
                fields[part.name] = value.decode("utf-8", errors="replace")
            continue
        return await streamed.upload_artifact(
            call.services,
            actor=call.actor,
            experiment_id=call.path_id(),
            name=fields["name"] or part.filename,
            kind=fields["kind"],
            content_type=part.content_type,
            size_bytes=_size(fields["size_bytes"]),
            chunks=reader.data(),
        )
    raise ValidationFailed({"file": "a file part is required"})


async def _raw_upload(call: Call, query: UploadQuery) -> Artifact:
    declared = query.size_bytes
    length = call.request.headers.get("content-length")
    if declared is None and length is not None:
        declared = _size(length, "Content-Length")
    content_type = call.request.headers.get("content-type")
    return await streamed.upload_artifact(
        call.services,
        actor=call.actor,
        experiment_id=call.path_id(),
        name=query.name,
        kind=query.kind,
        content_type=content_type,
        size_bytes=declared,
        chunks=call.request.stream(),
    )


async def upload_artifact(call: Call) -> Any:
    query = call.query_as(UploadQuery)
    boundary = boundary_of(call.request.headers.get("content-type"))
    if boundary is None:
        row = await _raw_upload(call, query)
    else:
        row = await _multipart_upload(call, query, boundary)
    return artifact_json(call.settings, row)


# --- reading ---------------------------------------------------------------------------


async def list_artifacts(call: Call) -> Any:
    async with call.services.db.reader() as session:
        rows = await reading.list_artifacts(session, actor=call.actor, experiment_id=call.path_id())
    return {"artifacts": [artifact_json(call.settings, row) for row in rows]}


async def _artifact(call: Call) -> Artifact:
    async with call.services.db.reader() as session:
        return await reading.get_artifact(
            session,
            actor=call.actor,
            experiment_id=call.path_id(),
            artifact_id=call.path_id("artifact_id", "artifact"),
        )


async def get_artifact(call: Call) -> Any:
    return artifact_json(call.settings, await _artifact(call))


async def _bytes(request: Request, store: ArtifactStore, row: Artifact) -> Response:
    """The object (or the asked-for range of it), streamed from the store."""
    etag = f'"{row.sha256}"'
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": etag,
        "Content-Disposition": content_disposition(file_name(row.name)),
        "Cache-Control": "private, no-cache",
    }
    media_type = row.content_type or OCTET_STREAM
    size = row.size_bytes
    try:
        wanted = parse_range(
            request.headers.get("range"),
            size,
            if_range=request.headers.get("if-range"),
            etag=etag,
        )
    except Unsatisfiable:
        return envelope(
            416,
            "RANGE_NOT_SATISFIABLE",
            f"the artifact has {size} bytes",
            {"size_bytes": size},
            headers={"Content-Range": f"bytes */{size}"},
        )
    part = wanted or ByteRange(0, size - 1)
    status = 206 if wanted is not None else 200
    if wanted is not None:
        headers["Content-Range"] = wanted.content_range(size)
    headers["Content-Length"] = str(max(part.length, 0))
    if request.method == "HEAD" or size == 0:
        return Response(status_code=status, headers=headers, media_type=media_type)
    body = await prefetched(store.read(row.store_key, part.start, part.end))
    return StreamingResponse(body, status_code=status, headers=headers, media_type=media_type)


async def get_artifact_content(call: Call) -> Any:
    query = call.query_as(ContentQuery)
    row = await _artifact(call)
    store = call.services.store
    if query.redirect and call.request.method == "GET":
        url = await store.presigned_download(
            row.store_key,
            filename=file_name(row.name),
            content_type=row.content_type,
            expires_seconds=call.settings.artifact_download_url_seconds,
        )
        if url is not None:
            return RedirectResponse(url, status_code=307, headers={"Cache-Control": "no-store"})
    return await _bytes(call.request, store, row)


# --- direct uploads --------------------------------------------------------------------


def upload_json(upload: direct.DirectUpload, base_url: str) -> dict[str, Any]:
    return {
        "id": str(upload.id),
        "urls": direct_upload_urls(upload, base_url),
        "part_size_bytes": upload.part_size,
        "expires_at": iso(upload.expires_at),
    }


async def create_artifact_upload(call: Call) -> Any:
    body = call.body_as(ArtifactUploadIn)
    upload = await direct.create_direct_upload(
        call.services,
        actor=call.actor,
        experiment_id=call.path_id(),
        name=body.name,
        kind=body.kind,
        size_bytes=body.size_bytes,
        sha256=body.sha256,
        content_type=body.content_type,
    )
    return upload_json(upload, origin(call.settings, call.request))


async def complete_artifact_upload(call: Call) -> Any:
    row = await direct.complete_direct_upload(
        call.services, actor=call.actor, upload_id=call.path_id("id", "artifact upload")
    )
    return artifact_json(call.settings, row)


async def put_artifact_upload(call: Call) -> Any:
    if boundary_of(call.request.headers.get("content-type")) is not None:
        raise BadRequest("send the bytes as they are, not as multipart/form-data")
    size, digest = await direct.receive_direct_body(
        call.services,
        upload_id=call.path_id("id", "artifact upload"),
        token=call.query_as(TokenQuery).token,
        chunks=call.request.stream(),
    )
    return Response(status_code=200, headers={"ETag": f'"{digest}"', "X-Size-Bytes": str(size)})


# --- the table -------------------------------------------------------------------------

_LIST = "/experiments/{id}/artifacts"
_ONE = _LIST + "/{artifact_id}"
_BINARY = {"schema": {"type": "string", "format": "binary"}}
_MULTIPART = {
    "multipart/form-data": {
        "schema": {
            "type": "object",
            "required": ["file"],
            "properties": {
                "kind": {"type": "string", "enum": [k.value for k in ArtifactKind]},
                "name": {"type": "string", "maxLength": 255},
                "size_bytes": {"type": "integer", "minimum": 0, "maximum": INT64_MAX},
                "file": {"type": "string", "format": "binary"},
            },
        },
        "encoding": {"file": {"contentType": "application/octet-stream"}},
    },
    OCTET_STREAM: _BINARY,
}

ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "POST",
        _LIST,
        upload_artifact,
        "Upload an artifact, streamed to the store",
        request_content=_MULTIPART,
        query_model=UploadQuery,
        response_model=ArtifactOut,
        status_code=201,
        errors=(Forbidden, *LIMITS, BadRequest),
        tags=TAGS,
        response_description="The artifact, once every byte is stored",
        description="A `multipart/form-data` body with the fields `kind` (and optionally "
        "`name`, `size_bytes`) **before** the `file` part — `curl -F kind=MODEL -F "
        "file=@model.pt` — or the bytes themselves as the body (`curl -X POST -T model.pt "
        '"…?kind=MODEL&name=model.pt"`). Allowed whatever the status (also after the run '
        "ended). The body is streamed: size and SHA-256 are computed on the way, and an "
        "upload that crosses the per-file limit (ARTIFACT_TOO_LARGE) or a quota "
        "(STORAGE_LIMIT_EXCEEDED) is refused at that moment, leaving nothing behind.",
    ),
    Endpoint(
        "GET",
        _LIST,
        list_artifacts,
        "The experiment's artifacts, oldest first",
        response_model=ArtifactListOut,
        tags=TAGS,
    ),
    Endpoint("GET", _ONE, get_artifact, "One artifact", response_model=ArtifactOut, tags=TAGS),
    Endpoint(
        "GET",
        _ONE + "/content",
        get_artifact_content,
        "The artifact's bytes, streamed; Range requests are answered with 206",
        query_model=ContentQuery,
        response_content={"application/octet-stream": _BINARY},
        tags=TAGS,
        response_description="The whole artifact",
        other_responses={
            206: {
                "description": "The requested byte range (`Content-Range` says which)",
                "content": {"application/octet-stream": _BINARY},
            },
            307: {
                "description": "S3 store: fetch the bytes from the presigned URL in `Location` "
                "(short-lived; Range works there too)",
            },
            416: {"description": "The range starts past the end (RANGE_NOT_SATISFIABLE)"},
        },
        description="One byte range per request (`Range: bytes=a-b`, `a-`, `-n`); "
        "`If-Range` with the ETag (the SHA-256) is honoured. The content type is the one "
        "given at upload, the file name is in `Content-Disposition`.",
    ),
    Endpoint(
        "POST",
        "/experiments/{id}/artifact-uploads",
        create_artifact_upload,
        "Start a direct upload: presigned URL(s) to send the bytes to",
        request_model=ArtifactUploadIn,
        response_model=ArtifactUploadOut,
        status_code=201,
        errors=(Forbidden, *LIMITS),
        tags=TAGS,
        description="Reserves `size_bytes` of the quotas. On S3 the URLs are presigned "
        "UploadPart URLs (one per part of `part_size_bytes`); on the local store there is "
        "one URL, the service's own `PUT /artifact-uploads/{id}?token=…`. Then call "
        "`POST /artifact-uploads/{id}/complete`.",
    ),
    Endpoint(
        "POST",
        "/artifact-uploads/{id}/complete",
        complete_artifact_upload,
        "Finish a direct upload: checks size (and SHA-256) and records the artifact",
        response_model=ArtifactOut,
        status_code=201,
        errors=(Forbidden, ValidationFailed),
        tags=TAGS,
        description="VALIDATION_FAILED with `parts` if parts are still missing (the upload "
        "stays; send them and complete again); VALIDATION_FAILED with `size_bytes` or "
        "`sha256` if the bytes do not match what was declared (the upload is removed).",
    ),
    Endpoint(
        "PUT",
        "/artifact-uploads/{id}",
        put_artifact_upload,
        "The bytes of a direct upload to the local store (the URL handed out for it)",
        request_content={OCTET_STREAM: _BINARY},
        query_model=TokenQuery,
        response_schema=None,
        errors=(Forbidden, BadRequest),
        tags=TAGS,
        auth=False,
        description="Authorised by the token in the URL, not a bearer token. At most the "
        "declared size; a second PUT replaces the first. Answers 200 with the SHA-256 of "
        "what arrived as the `ETag`.",
    ),
]
