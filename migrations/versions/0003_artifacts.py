"""artifacts: artifact rows, uploads in flight, and storage accounting

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 03:57:48.181993
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("MODEL", "CHECKPOINT", "REPORT", "DATASET", "OTHER")


def _kind() -> sa.Enum:
    return sa.Enum(*KINDS, name="artifact_kind", native_enum=False, length=16)


def _experiment_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["experiment_id"],
        ["experiments.id"],
        name=op.f(f"fk_{table}_experiment_id_experiments"),
        ondelete="CASCADE",
    )


def _user_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["created_by"], ["users.id"], name=op.f(f"fk_{table}_created_by_users")
    )


def upgrade() -> None:
    """Create the artifact tables and counters; the installation counter starts at 0."""
    storage_usage = op.create_table(
        "storage_usage",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("used_bytes", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_storage_usage")),
    )
    op.bulk_insert(storage_usage, [{"id": 1, "used_bytes": 0}])

    op.create_table(
        "artifact_uploads",
        sa.Column("experiment_id", sa.Uuid(), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("kind", _kind(), nullable=False),
        sa.Column("content_type", sa.String(length=255), nullable=True),
        sa.Column("store_key", sa.String(length=1024), nullable=False),
        sa.Column("reserved_bytes", sa.BigInteger(), nullable=False),
        sa.Column("declared_size", sa.BigInteger(), nullable=True),
        sa.Column("declared_sha256", sa.String(length=64), nullable=True),
        sa.Column("store_upload_id", sa.String(length=1024), nullable=True),
        sa.Column("part_size", sa.BigInteger(), nullable=True),
        sa.Column("part_count", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        _user_fk("artifact_uploads"),
        _experiment_fk("artifact_uploads"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_artifact_uploads")),
    )
    with op.batch_alter_table("artifact_uploads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_artifact_uploads_experiment_id"), ["experiment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_artifact_uploads_expires_at"), ["expires_at"], unique=False
        )

    op.create_table(
        "artifacts",
        sa.Column("experiment_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("kind", _kind(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=255), nullable=True),
        sa.Column("store_key", sa.String(length=1024), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        _user_fk("artifacts"),
        _experiment_fk("artifacts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_artifacts")),
    )
    with op.batch_alter_table("artifacts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_artifacts_experiment_created", ["experiment_id", "created_at"], unique=False
        )

    with op.batch_alter_table("experiments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("artifact_bytes", sa.BigInteger(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    """Drop what upgrade created."""
    with op.batch_alter_table("experiments", schema=None) as batch_op:
        batch_op.drop_column("artifact_bytes")

    with op.batch_alter_table("artifacts", schema=None) as batch_op:
        batch_op.drop_index("ix_artifacts_experiment_created")
    op.drop_table("artifacts")

    with op.batch_alter_table("artifact_uploads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_artifact_uploads_expires_at"))
        batch_op.drop_index(batch_op.f("ix_artifact_uploads_experiment_id"))
    op.drop_table("artifact_uploads")

    op.drop_table("storage_usage")
