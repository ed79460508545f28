"""Artifacts (files attached to an experiment), uploads in flight, and storage accounting.

An artifact row exists only once its bytes are completely in the store: an upload works
under an ``artifact_uploads`` row that holds its quota reservation, and the artifact row
replaces it in one transaction at the end. So at every commit

    experiments.artifact_bytes = Σ artifacts.size_bytes + Σ artifact_uploads.reserved_bytes

(per experiment), and ``storage_usage.used_bytes`` is the same sum over the installation.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Column,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UUIDPrimaryKey, utcnow
from app.models.enums import ArtifactKind

_KIND = Enum(ArtifactKind, name="artifact_kind", native_enum=False, length=16)


class Artifact(UUIDPrimaryKey, Base):
    __tablename__ = "artifacts"

    experiment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("experiments.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[ArtifactKind] = mapped_column(_KIND)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str | None] = mapped_column(String(255))
    # Where the bytes are, relative to the store's root or prefix
    store_key: Mapped[str] = mapped_column(String(1024))
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_artifacts_experiment_created", "experiment_id", "created_at"),)


class ArtifactUpload(UUIDPrimaryKey, Base):
    """An upload in flight: streamed through the service (``STREAM``) or sent straight to
    the store with presigned URLs (``DIRECT``). Its id becomes the artifact's id."""

    __tablename__ = "artifact_uploads"

    experiment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("experiments.id", ondelete="CASCADE"), index=True
    )
    mode: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[ArtifactKind] = mapped_column(_KIND)
    content_type: Mapped[str | None] = mapped_column(String(255))
    store_key: Mapped[str] = mapped_column(String(1024))
    # Quota held by this upload (counted in experiments.artifact_bytes and storage_usage)
    reserved_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    declared_size: Mapped[int | None] = mapped_column(BigInteger)
    declared_sha256: Mapped[str | None] = mapped_column(String(64))
    # DIRECT uploads: the store's multipart upload id, how the object is cut into parts,
    # and (local store) the SHA-256 of the secret in the upload URL
    store_upload_id: Mapped[str | None] = mapped_column(String(1024))
    part_size: Mapped[int | None] = mapped_column(BigInteger)
    part_count: Mapped[int | None] = mapped_column(Integer)
    token_hash: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A streamed upload renews this while it runs; past it, the sweeper cleans up
    expires_at: Mapped[datetime] = mapped_column(index=True)


# One row (id 1): bytes held by all artifacts and uploads of the installation
storage_usage = Table(
    "storage_usage",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("used_bytes", BigInteger, nullable=False, default=0),
)
