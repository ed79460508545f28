"""Presigned URLs are signed for EXPSVC_S3_PUBLIC_ENDPOINT_URL, the address clients reach
the store at, while the service itself talks to EXPSVC_S3_ENDPOINT_URL (compose: minio:9000
inside the network, localhost:9000 from the host). moto answers on both names here."""

from __future__ import annotations

import httpx

from app.config import Settings
from app.storage.factory import open_store
from app.storage.s3 import S3Store, ensure_bucket
from tests.s3 import MotoServer


async def test_presigned_urls_use_the_public_endpoint_and_work(moto_server: MotoServer) -> None:
    public = f"http://localhost:{moto_server.port}"
    settings = Settings(
        artifact_store_url="s3://expsvc-public/artifacts",
        s3_endpoint_url=moto_server.url,
        s3_public_endpoint_url=public,
    )
    store = open_store(settings)
    assert isinstance(store, S3Store)
    await ensure_bucket(store)
    try:
        writer = await store.open_writer("a/report.txt")
        await writer.write(b"the report")
        await writer.commit()
        url = await store.presigned_download(
            "a/report.txt", filename="report.txt", content_type="text/plain", expires_seconds=60
        )
        assert url is not None and url.startswith(public + "/expsvc-public/artifacts/a/")
        async with httpx.AsyncClient() as http:
            got = await http.get(url)
            assert got.status_code == 200 and got.content == b"the report"

            plan = await store.start_direct("b/model.bin", 5, 60)
            assert plan.urls is not None and len(plan.urls) == 1
            assert plan.urls[0].startswith(public + "/")
            put = await http.put(plan.urls[0], content=b"12345")
            assert put.status_code == 200
        await store.finish_direct("b/model.bin", plan)
        assert await store.size("b/model.bin") == 5
    finally:
        await store.close()


async def test_without_a_public_endpoint_urls_use_the_service_endpoint(
    moto_server: MotoServer,
) -> None:
    store = S3Store("s3://expsvc-public/artifacts", endpoint_url=moto_server.url)
    try:
        assert await store.signer() is await store.client()
        url = await store.presigned_download(
            "x", filename="x", content_type=None, expires_seconds=60
        )
        assert url is not None and url.startswith(moto_server.url + "/")
    finally:
        await store.close()
