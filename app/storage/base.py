"""What every artifact store offers: streamed writes that become visible only on commit,
ranged streamed reads, direct (presigned) uploads, and cleaning up after a failure.

Nothing here holds a whole object in memory: writers take chunks and keep at most a part
(S3) or a small buffer (local) at a time; readers yield chunks.
"""

from __future__ import annotations

import abc
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote

READ_CHUNK_BYTES = 1024 * 1024


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987)."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


async def prefetched(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """Read the first chunk of a ``read`` now, so a store failure is an error answer, not a
    cut body; the chunks again, to stream as a response's body."""
    first = await anext(chunks, None)

    async def body() -> AsyncIterator[bytes]:
        try:
            if first is not None:
                yield first
            async for chunk in chunks:
                yield chunk
        finally:
            await chunks.aclose()  # type: ignore[attr-defined]

    return body()


class StoreError(Exception):
    """The store failed (unreachable, refused, out of space...)."""


class IncompleteUpload(Exception):
    """A direct upload cannot be completed yet: not every part has arrived."""


class InvalidUpload(Exception):
    """A direct upload's parts cannot form an object (wrong sizes or order)."""


@dataclass(frozen=True)
class DirectPlan:
    """How a client sends an object straight to the store.

    ``urls`` are presigned part URLs (part ``i`` is bytes ``[i*part_size, (i+1)*part_size)``),
    or None when the store has no URLs of its own and the service hands out one of its own.
    """

    upload_id: str | None
    part_size: int
    part_count: int
    urls: list[str] | None


class ObjectWriter(abc.ABC):
    """One object being written. Nothing is visible at the key before ``commit()``;
    ``abort()`` removes whatever this writer made, committed or not, and may be called
    more than once."""

    @abc.abstractmethod
    async def write(self, chunk: bytes) -> None: ...

    @abc.abstractmethod
    async def commit(self) -> None: ...

    @abc.abstractmethod
    async def abort(self) -> None: ...


class ArtifactStore(abc.ABC):
    kind: ClassVar[str]

    @abc.abstractmethod
    async def open_writer(self, key: str) -> ObjectWriter:
        """A writer for ``key`` (the object replaces any older one on commit)."""

    @abc.abstractmethod
    def read(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        """Bytes ``start..end`` (inclusive; ``end`` None = to the last byte), in chunks."""

    @abc.abstractmethod
    async def size(self, key: str) -> int | None:
        """The object's size, or None if there is no object at ``key``."""

    def local_path(self, key: str) -> Path | None:
        """The file holding the object, for stores on the local disk."""
        return None

    async def presigned_download(
        self, key: str, *, filename: str, content_type: str | None, expires_seconds: int
    ) -> str | None:
        """A short-lived URL the client can GET the object from, if the store has them."""
        return None

    @abc.abstractmethod
    async def start_direct(self, key: str, size: int, expires_seconds: int) -> DirectPlan:
        """Prepare ``key`` to receive ``size`` bytes straight from a client."""

    @abc.abstractmethod
    async def finish_direct(self, key: str, plan: DirectPlan) -> None:
        """Assemble what the client sent: ``IncompleteUpload`` if parts are missing,
        ``InvalidUpload`` if they cannot form the object."""

    @abc.abstractmethod
    async def discard(self, key: str) -> None:
        """Remove everything at ``key``: the object, temporary files, pending uploads."""

    @abc.abstractmethod
    async def leftovers(self, prefix: str = "") -> list[str]:
        """Everything under ``prefix``, finished or not (objects, temporary files, pending
        multipart uploads): what a failed upload must not leave behind."""

    async def close(self) -> None:  # noqa: B027 - most stores hold nothing to release
        """Release connections."""
