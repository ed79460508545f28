"""The URLs of artifacts that REST and GraphQL answer with: built here, at the edge, from
where clients reach the service; the artifact workflows know no URLs."""

from __future__ import annotations

from starlette.requests import Request

from app.artifacts.direct import DirectUpload
from app.config import Settings
from app.models import Artifact


def origin(settings: Settings, request: Request) -> str:
    """Where clients reach the service: ``EXPSVC_PUBLIC_BASE_URL``, else this request's."""
    if settings.public_base_url:
        return settings.public_base_url.rstrip("/")
    return f"{request.url.scheme}://{request.url.netloc}"


def download_path(artifact: Artifact) -> str:
    return f"/api/v1/experiments/{artifact.experiment_id}/artifacts/{artifact.id}/content"


def download_url(settings: Settings, artifact: Artifact) -> str:
    """Absolute with ``EXPSVC_PUBLIC_BASE_URL``, else relative to the service."""
    return settings.public_base_url.rstrip("/") + download_path(artifact)


def direct_upload_urls(upload: DirectUpload, base_url: str) -> list[str]:
    """The store's presigned part URLs, or the service's own upload URL (local store)."""
    if upload.urls is not None:
        return upload.urls
    assert upload.token is not None
    return [f"{base_url.rstrip('/')}/api/v1/artifact-uploads/{upload.id}?token={upload.token}"]
