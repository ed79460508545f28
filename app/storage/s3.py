"""The S3 store (AWS S3, MinIO, any S3-compatible endpoint) through aioboto3.

Objects live at ``<prefix>/<key>`` in one bucket. A streamed write sends a small object
with one ``PutObject`` and a larger one as a multipart upload: parts of ``part_size`` bytes,
each filled in place and copied once when full, a few in flight at once, so memory stays at about
``part_size * (parts_in_flight + 1)`` (plus the HTTP client's send buffers) whatever the
object's size. A multipart upload is invisible until it is completed, and an
aborted one leaves nothing; ``discard`` also aborts multipart uploads a crashed process
left behind at the key.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import AsyncIterator, Awaitable
from contextlib import AsyncExitStack
from typing import Any, TypeVar

import aioboto3
from aiobotocore.config import AioConfig
from botocore.exceptions import BotoCoreError, ClientError

from app.storage.base import (
    READ_CHUNK_BYTES,
    ArtifactStore,
    DirectPlan,
    IncompleteUpload,
    InvalidUpload,
    ObjectWriter,
    StoreError,
    content_disposition,
)

log = logging.getLogger("expsvc.storage.s3")

T = TypeVar("T")
MiB = 1024 * 1024
MAX_PARTS = 10_000
PARTS_IN_FLIGHT = 4
_INVALID_PARTS = frozenset({"InvalidPart", "InvalidPartOrder", "EntityTooSmall"})


def error_code(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return ""


async def _call(what: str, call: Awaitable[T]) -> T:
    """Await one S3 call; botocore's failures become ``StoreError``."""
    try:
        return await call
    except (ClientError, BotoCoreError) as exc:
        raise StoreError(f"S3 {what}: {exc}") from exc


def parse_s3_url(url: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` → ``("bucket", "some/prefix")``."""
    if not url.startswith("s3://"):
        raise ValueError(f"not an s3:// URL: {url}")
    bucket, _, prefix = url[len("s3://") :].partition("/")
    if not bucket:
        raise ValueError(f"no bucket in {url}")
    return bucket, prefix.strip("/")


class S3Writer(ObjectWriter):
    def __init__(self, store: S3Store, key: str) -> None:
        self.store = store
        self.key = store.full_key(key)
        self.part_size = store.part_size
        # The part being filled: allocated once per part, filled in place, sent as it is
        self._part: bytearray | None = None
        self._filled = 0
        self._upload_id: str | None = None
        self._etags: dict[int, str] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(store.parts_in_flight)
        self._next_part = 1
        self._error: BaseException | None = None
        self._committed = False

    def _raise_failed(self) -> None:
        if self._error is not None:
            raise StoreError(f"S3 upload_part: {self._error}") from self._error

    async def write(self, chunk: bytes) -> None:
        self._raise_failed()
        view = memoryview(chunk)
        while view:
            if self._part is None:
                self._part = bytearray(self.part_size)
            taken = min(len(view), self.part_size - self._filled)
            self._part[self._filled : self._filled + taken] = view[:taken]
            self._filled += taken
            view = view[taken:]
            if self._filled == self.part_size:
                # bytes, not the bytearray: botocore wraps bytes in a stream aiohttp sends
                # piecewise (a bytearray would go out in one blocking write)
                full, self._part, self._filled = bytes(self._part), None, 0
                await self._send(full)

    def _rest(self) -> bytes:
        rest = b"" if self._part is None else bytes(memoryview(self._part)[: self._filled])
        self._part, self._filled = None, 0
        return rest

    async def _send(self, data: bytes) -> None:
        client = await self.store.client()
        if self._upload_id is None:
            created = await _call(
                "create_multipart_upload",
                client.create_multipart_upload(Bucket=self.store.bucket, Key=self.key),
            )
            self._upload_id = str(created["UploadId"])
        await self._slots.acquire()  # back-pressure: at most parts_in_flight parts in memory
        self._raise_failed()
        number, self._next_part = self._next_part, self._next_part + 1
        task = asyncio.create_task(self._upload_part(client, number, data))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _upload_part(self, client: Any, number: int, data: bytes) -> None:
        try:
            answer = await client.upload_part(
                Bucket=self.store.bucket,
                Key=self.key,
                UploadId=self._upload_id,
                PartNumber=number,
                Body=data,
            )
            self._etags[number] = str(answer["ETag"])
        except Exception as exc:
            self._error = self._error or exc
        finally:
            self._slots.release()

    async def commit(self) -> None:
        self._raise_failed()
        client = await self.store.client()
        rest = self._rest()
        if self._upload_id is None:
            await _call(
                "put_object",
                client.put_object(Bucket=self.store.bucket, Key=self.key, Body=rest),
            )
        else:
            if rest:
                await self._send(rest)
            await asyncio.gather(*list(self._tasks))
            self._raise_failed()
            parts = [{"PartNumber": n, "ETag": e} for n, e in sorted(self._etags.items())]
            await _call(
                "complete_multipart_upload",
                client.complete_multipart_upload(
                    Bucket=self.store.bucket,
                    Key=self.key,
                    UploadId=self._upload_id,
                    MultipartUpload={"Parts": parts},
                ),
            )
        self._committed = True

    async def abort(self) -> None:
        self._part, self._filled = None, 0
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        client = await self.store.client()
        if self._upload_id is not None and not self._committed:
            upload_id, self._upload_id = self._upload_id, None
            await _call(
                "abort_multipart_upload",
                client.abort_multipart_upload(
                    Bucket=self.store.bucket, Key=self.key, UploadId=upload_id
                ),
            )
        if self._committed:
            await _call(
                "delete_object", client.delete_object(Bucket=self.store.bucket, Key=self.key)
            )
            self._committed = False


class S3Store(ArtifactStore):
    kind = "s3"

    def __init__(
        self,
        url: str,
        *,
        endpoint_url: str = "",
        public_endpoint_url: str = "",
        region: str = "",
        part_size: int = 8 * MiB,
        parts_in_flight: int = PARTS_IN_FLIGHT,
    ) -> None:
        self.bucket, self.prefix = parse_s3_url(url)
        self.endpoint_url = endpoint_url or None
        # Presigned URLs go to clients, who may reach the store at another address than
        # the service does (compose: http://minio:9000 inside, http://localhost:9000 out)
        self.public_endpoint_url = public_endpoint_url or None
        self.region = region or None
        self.part_size = part_size
        self.parts_in_flight = parts_in_flight
        self._session = aioboto3.Session()
        self._client: Any = None
        self._signer: Any = None
        self._stack: AsyncExitStack | None = None
        self._lock = asyncio.Lock()

    def full_key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def _relative(self, full: str) -> str:
        return full[len(self.prefix) + 1 :] if self.prefix else full

    def _config(self) -> AioConfig:
        custom = self.endpoint_url or self.public_endpoint_url
        s3: dict[str, Any] = {"addressing_style": "path"} if custom else {}
        return AioConfig(
            signature_version="s3v4",
            s3=s3,
            max_pool_connections=32,
            # Checksums only where S3 requires them: others cost CPU on every byte and
            # not every S3-compatible store understands them
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
            retries={"max_attempts": 3, "mode": "standard"},
        )

    async def _open(self, endpoint_url: str | None) -> Any:
        if self._stack is None:
            self._stack = AsyncExitStack()
        return await self._stack.enter_async_context(
            self._session.client(
                "s3", endpoint_url=endpoint_url, region_name=self.region, config=self._config()
            )
        )

    async def client(self) -> Any:
        """The shared aioboto3 client, opened on first use."""
        if self._client is None:
            async with self._lock:
                if self._client is None:
                    self._client = await self._open(self.endpoint_url)
        return self._client

    async def signer(self) -> Any:
        """The client that presigns URLs for clients: signed for the public endpoint when
        one is set (presigning contacts nothing), else the shared client."""
        if self.public_endpoint_url is None or self.public_endpoint_url == self.endpoint_url:
            return await self.client()
        if self._signer is None:
            async with self._lock:
                if self._signer is None:
                    self._signer = await self._open(self.public_endpoint_url)
        return self._signer

    async def close(self) -> None:
        stack, self._stack, self._client, self._signer = self._stack, None, None, None
        if stack is not None:
            await stack.aclose()

    async def open_writer(self, key: str) -> ObjectWriter:
        return S3Writer(self, key)

    async def read(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        client = await self.client()
        params: dict[str, Any] = {"Bucket": self.bucket, "Key": self.full_key(key)}
        if start > 0 or end is not None:
            params["Range"] = f"bytes={start}-{'' if end is None else end}"
        answer = await _call("get_object", client.get_object(**params))
        body = answer["Body"]
        try:
            async for chunk in body.iter_chunks(READ_CHUNK_BYTES):
                yield chunk
        except (ClientError, BotoCoreError) as exc:
            raise StoreError(f"S3 get_object: {exc}") from exc
        finally:
            body.close()

    async def size(self, key: str) -> int | None:
        client = await self.client()
        try:
            answer = await client.head_object(Bucket=self.bucket, Key=self.full_key(key))
        except ClientError as exc:
            if error_code(exc) in ("404", "NoSuchKey", "NotFound"):
                return None
            raise StoreError(f"S3 head_object: {exc}") from exc
        except BotoCoreError as exc:
            raise StoreError(f"S3 head_object: {exc}") from exc
        return int(answer["ContentLength"])

    async def presigned_download(
        self, key: str, *, filename: str, content_type: str | None, expires_seconds: int
    ) -> str | None:
        signer = await self.signer()
        params = {
            "Bucket": self.bucket,
            "Key": self.full_key(key),
            "ResponseContentDisposition": content_disposition(filename),
            "ResponseContentType": content_type or "application/octet-stream",
        }
        url = await signer.generate_presigned_url(
            "get_object", Params=params, ExpiresIn=expires_seconds
        )
        return str(url)

    def direct_part_size(self, size: int) -> int:
        """At least ``part_size``, and large enough for S3's 10,000-part limit (whole MiB)."""
        needed = math.ceil(size / MAX_PARTS)
        return max(self.part_size, math.ceil(needed / MiB) * MiB)

    async def start_direct(self, key: str, size: int, expires_seconds: int) -> DirectPlan:
        client = await self.client()
        full = self.full_key(key)
        part_size = self.direct_part_size(size)
        count = max(1, math.ceil(size / part_size))
        created = await _call(
            "create_multipart_upload",
            client.create_multipart_upload(Bucket=self.bucket, Key=full),
        )
        upload_id = str(created["UploadId"])
        signer = await self.signer()
        urls = [
            str(
                await signer.generate_presigned_url(
                    "upload_part",
                    Params={
                        "Bucket": self.bucket,
                        "Key": full,
                        "UploadId": upload_id,
                        "PartNumber": number,
                    },
                    ExpiresIn=expires_seconds,
                )
            )
            for number in range(1, count + 1)
        ]
        return DirectPlan(upload_id=upload_id, part_size=part_size, part_count=count, urls=urls)

    async def _uploaded_parts(self, key: str, upload_id: str) -> list[dict[str, Any]]:
        client = await self.client()
        parts: list[dict[str, Any]] = []
        marker = 0
        while True:
            answer = await client.list_parts(
                Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumberMarker=marker
            )
            parts += answer.get("Parts", [])
            if not answer.get("IsTruncated"):
                return parts
            marker = int(answer["NextPartNumberMarker"])

    async def finish_direct(self, key: str, plan: DirectPlan) -> None:
        assert plan.upload_id is not None
        client = await self.client()
        full = self.full_key(key)
        try:
            parts = await self._uploaded_parts(full, plan.upload_id)
            numbers = sorted(int(p["PartNumber"]) for p in parts)
            if numbers != list(range(1, plan.part_count + 1)):
                raise IncompleteUpload(
                    f"{len(numbers)} of {plan.part_count} parts have been uploaded"
                )
            await client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=full,
                UploadId=plan.upload_id,
                MultipartUpload={
                    "Parts": [
                        {"PartNumber": int(p["PartNumber"]), "ETag": p["ETag"]}
                        for p in sorted(parts, key=lambda p: int(p["PartNumber"]))
                    ]
                },
            )
        except ClientError as exc:
            code = error_code(exc)
            if code == "NoSuchUpload" and await self.size(key) is not None:
                return  # completed before (a retry after a failure further on)
            if code in _INVALID_PARTS or code == "NoSuchUpload":
                raise InvalidUpload(f"the parts cannot be assembled: {code}") from exc
            raise StoreError(f"S3 complete_multipart_upload: {exc}") from exc
        except BotoCoreError as exc:
            raise StoreError(f"S3 complete_multipart_upload: {exc}") from exc

    async def _pending_uploads(self, prefix: str) -> list[tuple[str, str]]:
        """(key, upload id) of every multipart upload in progress under ``prefix``."""
        client = await self.client()
        found: list[tuple[str, str]] = []
        params: dict[str, Any] = {"Bucket": self.bucket, "Prefix": prefix}
        while True:
            answer = await _call("list_multipart_uploads", client.list_multipart_uploads(**params))
            found += [(str(u["Key"]), str(u["UploadId"])) for u in answer.get("Uploads", [])]
            if not answer.get("IsTruncated"):
                return found
            params["KeyMarker"] = answer["NextKeyMarker"]
            params["UploadIdMarker"] = answer["NextUploadIdMarker"]

    async def discard(self, key: str) -> None:
        client = await self.client()
        full = self.full_key(key)
        for pending_key, upload_id in await self._pending_uploads(full):
            if pending_key == full:
                with contextlib.suppress(ClientError):  # aborted meanwhile
                    await client.abort_multipart_upload(
                        Bucket=self.bucket, Key=full, UploadId=upload_id
                    )
        await _call("delete_object", client.delete_object(Bucket=self.bucket, Key=full))

    async def _objects(self, prefix: str) -> list[str]:
        client = await self.client()
        keys: list[str] = []
        params: dict[str, Any] = {"Bucket": self.bucket, "Prefix": prefix}
        while True:
            answer = await _call("list_objects_v2", client.list_objects_v2(**params))
            keys += [str(item["Key"]) for item in answer.get("Contents", [])]
            if not answer.get("IsTruncated"):
                return keys
            params["ContinuationToken"] = answer["NextContinuationToken"]

    async def leftovers(self, prefix: str = "") -> list[str]:
        full = self.full_key(prefix) if prefix else (self.prefix + "/" if self.prefix else "")
        objects = [self._relative(key) for key in await self._objects(full)]
        pending = [
            f"{self._relative(key)} (upload {upload_id})"
            for key, upload_id in await self._pending_uploads(full)
        ]
        return sorted(objects + pending)


async def ensure_bucket(store: S3Store) -> None:
    """Create the bucket if it is missing (for tests and local setups)."""
    client = await store.client()
    try:
        await client.head_bucket(Bucket=store.bucket)
    except ClientError:
        await _call("create_bucket", client.create_bucket(Bucket=store.bucket))
