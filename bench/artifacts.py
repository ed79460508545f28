"""Artifacts: a 1 GB file uploaded and downloaded through the service, on the local store
and on S3 (moto's standalone server), against plain aioboto3 on the same store.

A file of ``--size-mb`` MB of random bytes is written to disk first (1 MiB at a time: the
benchmark never holds it in memory either). Then, for each store, a real ``expsvc serve``
subprocess (PostgreSQL, the store under test) takes:

1. ``POST /api/v1/experiments/{id}/artifacts``: a streamed ``multipart/form-data`` body
   (``curl -F kind=MODEL -F file=@…``), read from the file 1 MiB at a time;
2. ``uploadArtifact`` over GraphQL (the multipart request spec), the same way;
3. ``GET …/content``: streamed through the service (``?redirect=false``), and on S3 also
   the default 307 to a presigned URL, followed by the client;

each download hashed on the fly and checked against the file's SHA-256. Alongside, in the
same run: aioboto3 ``upload_file`` / ``download_file`` of the same file to the same moto
bucket (its default transfer settings), and a plain file copy for the local disk. The
server's RSS is sampled every 100 ms during each phase (peak printed). Run from the
repository root, with PostgreSQL on 127.0.0.1:5432:

    .tools/bin/uv run python bench/artifacts.py
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aioboto3
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import (
    Service,
    add_database_args,
    machine_line,
    running_experiment,
    throwaway_database,
)

from tests.s3 import DUMMY_CREDENTIALS, MotoServer

MB = 1_000_000
CHUNK = 1024 * 1024
BUCKET = "expsvc-bench"
BOUNDARY = "expsvc-bench-" + uuid.uuid4().hex
UPLOAD = """
mutation($experimentId: ID!, $file: Upload!, $kind: ArtifactKind!, $sizeBytes: BigInt) {
  uploadArtifact(experimentId: $experimentId, file: $file, kind: $kind, sizeBytes: $sizeBytes) {
    id sizeBytes sha256 downloadUrl
  }
}
"""


@dataclass
class Row:
    store: str
    what: str
    seconds: float
    size: int
    rss_mb: float | None = None

    @property
    def rate(self) -> float:
        return self.size / MB / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        rss = f"{self.rss_mb:>8.0f}" if self.rss_mb is not None else f"{'-':>8}"
        return f"{self.store:<6} {self.what:<46} {self.seconds:>8.2f} {self.rate:>9.1f} {rss}"


HEADER = f"{'store':<6} {'path':<46} {'seconds':>8} {'MB/s':>9} {'RSS MB':>8}"


# --- the file -------------------------------------------------------------------------


def make_file(path: Path, size: int) -> str:
    """``size`` random bytes written 1 MiB at a time; returns their SHA-256."""
    digest = hashlib.sha256()
    block = os.urandom(CHUNK)
    with path.open("wb") as out:
        written = 0
        while written < size:
            # a fresh prefix per block, so no two blocks are alike
            data = os.urandom(64) + block[64 : min(CHUNK, size - written)]
            out.write(data)
            digest.update(data)
            written += len(data)
    return digest.hexdigest()


async def file_chunks(path: Path) -> AsyncIterator[bytes]:
    with path.open("rb") as source:
        while chunk := await asyncio.to_thread(source.read, CHUNK):
            yield chunk


def _field(name: str, value: str) -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    )


def multipart(
    path: Path, fields: dict[str, str], file_field: str
) -> tuple[int, AsyncIterator[bytes]]:
    """A streamed multipart body: the fields, then the file; returns (length, body)."""
    head = (
        b"".join(_field(k, v) for k, v in fields.items())
        + (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{file_field}"; '
            f'filename="{path.name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
    )
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()

    async def body() -> AsyncIterator[bytes]:
        yield head
        async for chunk in file_chunks(path):
            yield chunk
        yield tail

    return len(head) + path.stat().st_size + len(tail), body()


# --- measuring ------------------------------------------------------------------------


async def phase(service: Service, action: Callable[[], Awaitable[Any]]) -> tuple[float, float, Any]:
    """Run ``action``; (seconds, server peak RSS MB during it, its result)."""
    assert service.rss is not None
    service.rss.reset()
    started = time.perf_counter()
    result = await action()
    seconds = time.perf_counter() - started
    return seconds, service.rss.peak_mb, result


async def rest_upload(client: httpx.AsyncClient, experiment_id: str, path: Path) -> dict[str, Any]:
    length, body = multipart(path, {"kind": "MODEL"}, "file")
    answer = await client.post(
        f"/api/v1/experiments/{experiment_id}/artifacts",
        content=body,
        headers={
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "Content-Length": str(length),
        },
    )
    if answer.status_code != 201:
        raise RuntimeError(f"REST upload: {answer.status_code} {answer.text}")
    result: dict[str, Any] = answer.json()
    return result


async def graphql_upload(
    client: httpx.AsyncClient, experiment_id: str, path: Path, size: int
) -> dict[str, Any]:
    operations = {
        "query": UPLOAD,
        "variables": {
            "experimentId": experiment_id,
            "kind": "CHECKPOINT",
            "file": None,
            "sizeBytes": size,
        },
    }
    fields = {"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})}
    length, body = multipart(path, fields, "0")
    answer = await client.post(
        "/graphql",
        content=body,
        headers={
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "Content-Length": str(length),
        },
    )
    data = answer.json()
    if answer.status_code != 200 or data.get("errors"):
        raise RuntimeError(f"GraphQL upload: {answer.status_code} {answer.text[:500]}")
    result: dict[str, Any] = data["data"]["uploadArtifact"]
    return result


async def fetch(client: httpx.AsyncClient, url: str) -> tuple[int, str]:
    """GET ``url`` (following a redirect), hashing the body as it streams; (bytes, sha256)."""
    digest = hashlib.sha256()
    size = 0
    async with client.stream("GET", url, follow_redirects=True) as answer:
        if answer.status_code != 200:
            raise RuntimeError(f"download {url}: {answer.status_code}")
        async for chunk in answer.aiter_bytes(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


async def through_service(
    service: Service, store: str, path: Path, sha: str, size: int, *, s3: bool
) -> list[Row]:
    rows: list[Row] = []
    async with service.client(timeout=900) as client:
        experiment_id = await running_experiment(client, f"artifacts-{store}")
        seconds, rss, artifact = await phase(
            service, lambda: rest_upload(client, experiment_id, path)
        )
        if artifact["sha256"] != sha or artifact["size_bytes"] != size:
            raise RuntimeError(f"stored wrong bytes: {artifact}")
        rows.append(Row(store, "upload: REST multipart (curl -F)", seconds, size, rss))
        print(rows[-1].line(), flush=True)
        seconds, rss, uploaded = await phase(
            service, lambda: graphql_upload(client, experiment_id, path, size)
        )
        if uploaded["sha256"] != sha:
            raise RuntimeError(f"stored wrong bytes: {uploaded}")
        rows.append(Row(store, "upload: GraphQL multipart (uploadArtifact)", seconds, size, rss))
        print(rows[-1].line(), flush=True)
        url = artifact["download_url"]
        downloads = [("download: streamed through the service", url + "?redirect=false")]
        if s3:
            downloads.append(("download: 307 to presigned URL, from S3", url))
        for what, target in downloads:
            seconds, rss, (got, digest) = await phase(service, lambda t=target: fetch(client, t))
            if (got, digest) != (size, sha):
                raise RuntimeError(f"{what}: {got} bytes, sha256 {digest}")
            rows.append(Row(store, what, seconds, size, rss))
            print(rows[-1].line(), flush=True)
    return rows


# --- baselines ------------------------------------------------------------------------


async def aioboto3_baseline(endpoint: str, path: Path, sha: str, size: int) -> list[Row]:
    session = aioboto3.Session()
    rows: list[Row] = []
    target = path.with_suffix(".downloaded")
    async with session.client("s3", endpoint_url=endpoint) as s3:
        started = time.perf_counter()
        await s3.upload_file(str(path), BUCKET, "baseline/file.bin")
        rows.append(
            Row("s3", "baseline: aioboto3 upload_file", time.perf_counter() - started, size)
        )
        print(rows[-1].line(), flush=True)
        started = time.perf_counter()
        await s3.download_file(BUCKET, "baseline/file.bin", str(target))
        rows.append(
            Row("s3", "baseline: aioboto3 download_file", time.perf_counter() - started, size)
        )
        print(rows[-1].line(), flush=True)
        await s3.delete_object(Bucket=BUCKET, Key="baseline/file.bin")
    try:
        if await asyncio.to_thread(_sha_of, target) != sha:
            raise RuntimeError("aioboto3 downloaded different bytes")
    finally:
        target.unlink(missing_ok=True)
    return rows


def _sha_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def copy_baseline(path: Path) -> Row:
    target = path.with_suffix(".copy")
    started = time.perf_counter()
    with path.open("rb") as source, target.open("wb") as out:
        shutil.copyfileobj(source, out, CHUNK)
        out.flush()
        os.fsync(out.fileno())
    seconds = time.perf_counter() - started
    target.unlink()
    return Row("local", "baseline: plain file copy (+fsync)", seconds, path.stat().st_size)


async def make_bucket(endpoint: str) -> None:
    async with aioboto3.Session().client("s3", endpoint_url=endpoint) as s3:
        await s3.create_bucket(Bucket=BUCKET)


# --- main -----------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=1000, help="file size in MB (10^6 B)")
    parser.add_argument("--stores", default="local,s3", help="which stores, comma-separated")
    parser.add_argument("--timeout", type=float, default=1800, help="bound of each store's run")
    add_database_args(parser)
    return parser.parse_args()


def run_store(
    store: str, args: argparse.Namespace, path: Path, sha: str, moto: MotoServer | None
) -> list[Row]:
    size = path.stat().st_size
    extra: dict[str, str] = {}
    if moto is not None:
        extra = {
            "EXPSVC_ARTIFACT_STORE_URL": f"s3://{BUCKET}/artifacts",
            "EXPSVC_S3_ENDPOINT_URL": moto.url,
        }
    with (
        throwaway_database(args.pg_server_url, args.database_url) as dsn,
        Service(dsn, extra_env=extra) as service,
    ):
        rows = asyncio.run(
            asyncio.wait_for(
                through_service(service, store, path, sha, size, s3=moto is not None), args.timeout
            )
        )
        hwm = service.rss.hwm_mb() if service.rss else 0.0
    print(f"{store:<6} server VmHWM since start: {hwm:.0f} MB", flush=True)
    return rows


def main() -> int:
    args = parse_args()
    stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    size = args.size_mb * MB
    os.environ.update(DUMMY_CREDENTIALS)
    work = Path(tempfile.mkdtemp(prefix="expsvc-bench-artifacts-"))
    rows: list[Row] = []
    try:
        path = work / "checkpoint.bin"
        started = time.perf_counter()
        sha = make_file(path, size)
        print(f"made {path} ({size:,} bytes) in {time.perf_counter() - started:.1f} s")
        print(HEADER)
        if "local" in stores:
            rows.append(copy_baseline(path))
            print(rows[-1].line(), flush=True)
            rows += run_store("local", args, path, sha, None)
        if "s3" in stores:
            moto = MotoServer(work / "moto.log")
            moto.start()
            try:
                asyncio.run(make_bucket(moto.url))
                rows += asyncio.run(aioboto3_baseline(moto.url, path, sha, size))
                rows += run_store("s3", args, path, sha, moto)
            finally:
                moto.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print(f"== artifacts: one file of {size:,} bytes; {machine_line()}")
    print(HEADER)
    for row in rows:
        print(row.line())
    peak = max((row.rss_mb or 0.0) for row in rows)
    print(f"server peak RSS across the phases: {peak:.0f} MB   (target <= 300 MB)")
    for store, baseline in (("s3", "baseline: aioboto3 upload_file"),):
        base = next((r for r in rows if r.store == store and r.what == baseline), None)
        ours = [r for r in rows if r.store == store and r.what.startswith("upload")]
        if base is not None:
            for row in ours:
                print(f"{store}: {row.what}: {row.rate / base.rate:.0%} of aioboto3 upload_file")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
