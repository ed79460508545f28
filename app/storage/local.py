"""The local-folder store: ``<root>/<key>`` for objects, ``<root>/.tmp/`` for writes in
progress.

A write goes to a fresh temporary file and becomes the object with ``os.replace`` after an
``fsync``, so a reader never sees half an object and a crash leaves only a temporary file.
File I/O runs in worker threads, a buffer of ``WRITE_BUFFER_BYTES`` at a time, so the
event loop never blocks on the disk.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from app.storage.base import (
    READ_CHUNK_BYTES,
    ArtifactStore,
    DirectPlan,
    IncompleteUpload,
    ObjectWriter,
    StoreError,
)

T = TypeVar("T")

WRITE_BUFFER_BYTES = 1024 * 1024
TMP_DIR = ".tmp"
_SEPARATOR = "__"


def _flat(key: str) -> str:
    return key.replace("/", _SEPARATOR)


def _unflat(name: str) -> str:
    return name.rsplit(".", 1)[0].replace(_SEPARATOR, "/")


def _check_key(key: str) -> None:
    parts = key.split("/")
    if not key or key.startswith("/") or any(p in ("", ".", "..", TMP_DIR) for p in parts):
        raise ValueError(f"bad store key {key!r}")


class LocalWriter(ObjectWriter):
    def __init__(self, store: LocalStore, key: str) -> None:
        self.store = store
        self.key = key
        self.temp = store.tmp / f"{_flat(key)}.{uuid.uuid4().hex}"
        self._file: BinaryIO | None = None
        self._buffer = bytearray()
        self._committed = False

    async def _open(self) -> BinaryIO:
        if self._file is None:

            def open_temp() -> BinaryIO:
                self.temp.parent.mkdir(parents=True, exist_ok=True)
                return self.temp.open("xb")

            self._file = await _io(open_temp)
        return self._file

    async def _flush(self) -> None:
        handle = await self._open()
        if self._buffer:
            data, self._buffer = bytes(self._buffer), bytearray()
            await _io(handle.write, data)

    async def write(self, chunk: bytes) -> None:
        self._buffer += chunk
        if len(self._buffer) >= WRITE_BUFFER_BYTES:
            await self._flush()

    async def commit(self) -> None:
        await self._flush()
        handle = self._file
        assert handle is not None
        target = self.store.path(self.key)

        def finish() -> None:
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.temp, target)

        await _io(finish)
        self._committed = True

    async def abort(self) -> None:
        handle, self._file = self._file, None
        self._buffer = bytearray()

        def remove() -> None:
            if handle is not None:
                handle.close()
            self.temp.unlink(missing_ok=True)
            if self._committed:
                self.store.path(self.key).unlink(missing_ok=True)

        await asyncio.to_thread(remove)  # not _io: cleanup must not turn into StoreError


async def _io(fn: Callable[..., T], *args: Any) -> T:
    """Run blocking file work in a thread; an OS error becomes ``StoreError``."""
    try:
        return await asyncio.to_thread(fn, *args)
    except OSError as exc:
        raise StoreError(f"local store: {exc}") from exc


class LocalStore(ArtifactStore):
    kind = "local"

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.tmp = self.root / TMP_DIR

    def path(self, key: str) -> Path:
        _check_key(key)
        return self.root / key

    def local_path(self, key: str) -> Path | None:
        return self.path(key)

    async def open_writer(self, key: str) -> ObjectWriter:
        _check_key(key)
        return LocalWriter(self, key)

    async def read(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        path = self.path(key)
        handle: BinaryIO = await asyncio.to_thread(path.open, "rb")
        try:
            await asyncio.to_thread(handle.seek, start)
            remaining = None if end is None else end - start + 1
            while remaining is None or remaining > 0:
                want = READ_CHUNK_BYTES if remaining is None else min(READ_CHUNK_BYTES, remaining)
                chunk = await asyncio.to_thread(handle.read, want)
                if not chunk:
                    break
                if remaining is not None:
                    remaining -= len(chunk)
                yield chunk
        finally:
            await asyncio.to_thread(handle.close)

    async def size(self, key: str) -> int | None:
        path = self.path(key)

        def stat() -> int | None:
            try:
                return path.stat().st_size
            except FileNotFoundError:
                return None

        return await asyncio.to_thread(stat)

    async def start_direct(self, key: str, size: int, expires_seconds: int) -> DirectPlan:
        # No URLs of its own: the service receives the body (PUT /artifact-uploads/{id})
        return DirectPlan(upload_id=None, part_size=max(size, 1), part_count=1, urls=None)

    async def finish_direct(self, key: str, plan: DirectPlan) -> None:
        if await self.size(key) is None:
            raise IncompleteUpload("nothing has been uploaded yet")

    async def discard(self, key: str) -> None:
        target = self.path(key)
        prefix = _flat(key) + "."

        def remove() -> None:
            target.unlink(missing_ok=True)
            if self.tmp.is_dir():
                for entry in self.tmp.iterdir():
                    if entry.name.startswith(prefix):
                        entry.unlink(missing_ok=True)

        await asyncio.to_thread(remove)

    async def leftovers(self, prefix: str = "") -> list[str]:
        def scan() -> list[str]:
            found: list[str] = []
            if not self.root.is_dir():
                return found
            for path in self.root.rglob("*"):
                if not path.is_file():
                    continue
                relative = path.relative_to(self.root).as_posix()
                if relative.startswith(TMP_DIR + "/"):
                    key = _unflat(path.name)
                    if key.startswith(prefix):
                        found.append(f"{TMP_DIR}/{path.name}")
                elif relative.startswith(prefix):
                    found.append(relative)
            return sorted(found)

        return await asyncio.to_thread(scan)


def root_from_url(url: str) -> Path:
    """``file:///abs/dir`` → ``/abs/dir``; ``file://./rel/dir`` → ``./rel/dir``."""
    if not url.startswith("file://"):
        raise ValueError(f"not a file:// URL: {url}")
    rest = url[len("file://") :]
    if not rest:
        raise ValueError("file:// URL without a path")
    return Path(rest.removeprefix("localhost"))
