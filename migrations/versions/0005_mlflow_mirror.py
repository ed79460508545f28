"""mlflow mirror: runs and queue

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 05:42:37.202746
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """The MLflow mirror: one row per mirrored run and the queue of what is left to send."""
    op.create_table(
        "mlflow_queue",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("experiment_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("sent", sa.Integer(), server_default="0", nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["experiment_id"],
            ["experiments.id"],
            name=op.f("fk_mlflow_queue_experiment_id_experiments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mlflow_queue")),
    )
    with op.batch_alter_table("mlflow_queue", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mlflow_queue_experiment_id"), ["experiment_id"], unique=False
        )

    op.create_table(
        "mlflow_runs",
        sa.Column("experiment_id", sa.Uuid(), nullable=False),
        sa.Column("mlflow_experiment_id", sa.String(length=64), nullable=True),
        sa.Column("run_id", sa.String(length=64), nullable=True),
        sa.Column("artifact_uri", sa.String(length=1000), nullable=True),
        sa.Column("final_status", sa.String(length=16), nullable=True),
        sa.Column("points_synced", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("synced_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["experiment_id"],
            ["experiments.id"],
            name=op.f("fk_mlflow_runs_experiment_id_experiments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("experiment_id", name=op.f("pk_mlflow_runs")),
    )


def downgrade() -> None:
    """Drop the mirror's tables."""
    op.drop_table("mlflow_runs")
    with op.batch_alter_table("mlflow_queue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mlflow_queue_experiment_id"))

    op.drop_table("mlflow_queue")
