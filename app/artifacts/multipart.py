"""A pull-based streaming reader of ``multipart/form-data`` bodies.

python-multipart's ``MultipartParser`` is push-based (callbacks while ``write(chunk)``
runs); this wraps it so a handler can ask for the next part and then iterate over that
part's data as it arrives from the network. Only one network chunk (and the parser's
events for it) is held at a time: a file part streams straight through to its consumer.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from app.errors import BadRequest, PayloadTooLarge

MAX_HEADER_BYTES = 8 * 1024
_FILENAME_STAR = re.compile(r"filename\*\s*=\s*([\w!#$%&+^`{}~.-]+)'[^']*'([^;\s]+)", re.I)


@dataclass(frozen=True)
class Part:
    name: str
    filename: str | None
    content_type: str | None


def boundary_of(content_type: str | None) -> bytes | None:
    """The boundary of a ``multipart/form-data`` content type, or None if it is not one."""
    if not content_type:
        return None
    kind, options = parse_options_header(content_type)
    if kind != b"multipart/form-data":
        return None
    boundary = options.get(b"boundary")
    if not boundary:
        raise BadRequest("multipart/form-data without a boundary")
    return boundary


def _decode(value: bytes) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")


def _part(headers: dict[str, bytes]) -> Part:
    disposition = headers.get("content-disposition", b"")
    _kind, options = parse_options_header(disposition)
    name = options.get(b"name")
    if name is None:
        raise BadRequest("a multipart part has no name")
    filename: str | None = None
    star = _FILENAME_STAR.search(_decode(disposition))
    if star is not None:
        filename = unquote(star.group(2), encoding=star.group(1), errors="replace")
    elif b"filename" in options:
        filename = _decode(options[b"filename"])
    content_type = headers.get("content-type")
    return Part(
        name=_decode(name),
        filename=filename,
        content_type=_decode(content_type).strip() if content_type else None,
    )


class MultipartReader:
    """Parts of one multipart body, in order: ``await next_part()`` then ``data()``."""

    def __init__(self, stream: AsyncIterator[bytes], boundary: bytes) -> None:
        self._stream = stream
        self._events: deque[tuple[str, Any]] = deque()
        self._headers: dict[str, bytes] = {}
        self._field = bytearray()
        self._value = bytearray()
        self._in_part = False
        self._finished = False
        self._parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._on_part_begin,
                "on_header_field": self._on_header_field,
                "on_header_value": self._on_header_value,
                "on_header_end": self._on_header_end,
                "on_headers_finished": self._on_headers_finished,
                "on_part_data": self._on_part_data,
                "on_part_end": self._on_part_end,
                "on_end": self._on_end,
            },
            max_header_size=MAX_HEADER_BYTES,
        )

    # --- parser callbacks ---------------------------------------------------------------

    def _on_part_begin(self) -> None:
        self._headers = {}

    def _on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def _on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _on_header_end(self) -> None:
        self._headers[_decode(bytes(self._field)).lower()] = bytes(self._value)
        self._field, self._value = bytearray(), bytearray()

    def _on_headers_finished(self) -> None:
        self._events.append(("part", _part(self._headers)))

    def _on_part_data(self, data: bytes, start: int, end: int) -> None:
        if end > start:
            self._events.append(("data", data[start:end]))

    def _on_part_end(self) -> None:
        self._events.append(("end", None))

    def _on_end(self) -> None:
        self._events.append(("eof", None))

    # --- pulling ------------------------------------------------------------------------

    async def _event(self) -> tuple[str, Any]:
        while not self._events:
            if self._finished:
                raise BadRequest("the multipart body ended before its closing boundary")
            chunk = await anext(self._stream, None)
            try:
                if chunk is None:
                    self._finished = True
                    self._parser.finalize()
                elif chunk:
                    self._parser.write(chunk)
            except MultipartParseError as exc:
                raise BadRequest(f"malformed multipart body: {exc}") from None
        return self._events.popleft()

    async def next_part(self) -> Part | None:
        """The next part's headers (skipping what is left of the current one), or None."""
        while True:
            kind, value = await self._event()
            if kind == "part":
                self._in_part = True
                assert isinstance(value, Part)
                return value
            if kind == "end":
                self._in_part = False
            elif kind == "eof":
                self._finished = True
                return None

    async def data(self) -> AsyncIterator[bytes]:
        """The current part's bytes as they arrive."""
        while self._in_part:
            kind, value = await self._event()
            if kind == "data":
                yield value
            elif kind == "end":
                self._in_part = False
            else:  # pragma: no cover - the parser always ends a part before another
                raise BadRequest("malformed multipart body")

    async def read_value(self, limit: int) -> bytes:
        """The current part whole: for small form fields, refused over ``limit`` bytes."""
        value = bytearray()
        async for chunk in self.data():
            value += chunk
            if len(value) > limit:
                raise PayloadTooLarge(
                    f"a form field is over {limit} bytes", details={"limit_bytes": limit}
                )
        return bytes(value)
