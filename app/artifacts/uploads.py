"""GraphQL multipart requests (the spec at github.com/jaydenseric/graphql-multipart-request-spec),
parsed as a stream.

The spec puts the ``operations`` and ``map`` fields before the files, so they are read
first and each file the map names becomes a ``StreamedUpload`` in the variables. A
resolver that reads one pulls that file's bytes straight from the request body as they
arrive: nothing is spooled to memory or disk. Files are read in the order they appear in
the body (mutations run one after another, so one file per upload mutation in the same
order just works); a file skipped over cannot be read any more.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

import orjson
from starlette.requests import ClientDisconnect, Request

from app.artifacts.multipart import MultipartReader, Part, boundary_of
from app.errors import BadRequest, ValidationFailed


class MultipartBody:
    """The files of one request, in body order."""

    def __init__(self, reader: MultipartReader) -> None:
        self.reader = reader
        self._passed: set[str] = set()

    async def seek(self, field: str) -> Part:
        if field in self._passed:
            raise ValidationFailed({field: "this file was already read or skipped"})
        while (part := await self.reader.next_part()) is not None:
            self._passed.add(part.name)
            if part.name == field:
                return part
        raise BadRequest(f"the file {field!r} is missing from the multipart body")


class StreamedUpload:
    """An ``Upload`` argument: ``await open()``, then iterate over ``chunks()`` once."""

    def __init__(self, body: MultipartBody, field: str) -> None:
        self._body = body
        self.field = field
        self.part: Part | None = None

    async def open(self) -> Part:
        if self.part is None:
            self.part = await self._body.seek(self.field)
        return self.part

    @property
    def filename(self) -> str | None:
        return self.part.filename if self.part else None

    @property
    def content_type(self) -> str | None:
        return self.part.content_type if self.part else None

    async def chunks(self) -> AsyncIterator[bytes]:
        await self.open()
        try:
            async for chunk in self._body.reader.data():
                yield chunk
        except ClientDisconnect:
            raise BadRequest("the client went away during the upload") from None


def _json_field(name: str, raw: bytes) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise BadRequest(f"the {name!r} field is not valid JSON") from None


def _place(operations: Any, files_map: Mapping[str, Any], files: Mapping[str, Any]) -> Any:
    """Put each file where the map says (``variables.file``, ``0.variables.files.1``…)."""
    for field, paths in files_map.items():
        if not isinstance(paths, list):
            raise BadRequest("'map' must map each file field to a list of paths")
        for path in paths:
            *parents, last = str(path).split(".")
            target = operations
            try:
                for key in parents:
                    target = target[int(key)] if isinstance(target, list) else target[key]
                if isinstance(target, list):
                    target[int(last)] = files[field]
                else:
                    target[last] = files[field]
            except (KeyError, IndexError, ValueError, TypeError):
                raise BadRequest(
                    f"'map' names a path that is not in 'operations': {path}"
                ) from None
    return operations


async def parse_graphql_multipart(request: Request, *, field_limit: int) -> Any:
    """``operations`` with every mapped file replaced by a ``StreamedUpload``."""
    boundary = boundary_of(request.headers.get("content-type"))
    if boundary is None:
        raise BadRequest("expected multipart/form-data")
    reader = MultipartReader(request.stream(), boundary)
    fields: dict[str, Any] = {}
    while "operations" not in fields or "map" not in fields:
        part = await reader.next_part()
        if part is None or part.filename is not None:
            raise BadRequest("a GraphQL multipart request starts with 'operations' and 'map'")
        if part.name in ("operations", "map"):
            fields[part.name] = _json_field(part.name, await reader.read_value(field_limit))
    files_map = fields["map"]
    if not isinstance(files_map, dict):
        raise BadRequest("'map' must be a JSON object")
    body = MultipartBody(reader)
    files = {field: StreamedUpload(body, field) for field in files_map}
    return _place(fields["operations"], files_map, files)
