"""Artifact stores: a local folder (the embedded default) and S3 (or any S3-compatible
store) through aioboto3. ``open_store(settings)`` picks one from
``EXPSVC_ARTIFACT_STORE_URL``."""

from app.storage.base import (
    ArtifactStore,
    DirectPlan,
    IncompleteUpload,
    ObjectWriter,
    StoreError,
)
from app.storage.factory import open_store

__all__ = [
    "ArtifactStore",
    "DirectPlan",
    "IncompleteUpload",
    "ObjectWriter",
    "StoreError",
    "open_store",
]
