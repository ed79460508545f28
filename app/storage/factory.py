"""The store named by ``EXPSVC_ARTIFACT_STORE_URL``: ``file://…`` or ``s3://bucket/prefix``."""

from __future__ import annotations

from app.config import Settings
from app.storage.base import ArtifactStore


def open_store(settings: Settings) -> ArtifactStore:
    """Build the configured store; nothing is contacted until it is used."""
    url = settings.artifact_store_url
    if url.startswith("s3://"):
        from app.storage.s3 import S3Store

        return S3Store(
            url,
            endpoint_url=settings.s3_endpoint_url,
            public_endpoint_url=settings.s3_public_endpoint_url,
            region=settings.s3_region,
            part_size=settings.s3_part_size_bytes,
        )
    if url.startswith("file://"):
        from app.storage.local import LocalStore, root_from_url

        return LocalStore(root_from_url(url))
    raise ValueError(f"EXPSVC_ARTIFACT_STORE_URL must be file://… or s3://…, not {url!r}")
