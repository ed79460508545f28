"""log batches: the batch ids claimed by idempotent log batches

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 05:47:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``log_batches`` (as ``metric_batches``: gone with its experiment)."""
    op.create_table(
        "log_batches",
        sa.Column("experiment_id", sa.Uuid(), nullable=False),
        sa.Column("batch_id", sa.String(length=128), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["experiment_id"],
            ["experiments.id"],
            name=op.f("fk_log_batches_experiment_id_experiments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("experiment_id", "batch_id", name="pk_log_batches"),
    )


def downgrade() -> None:
    """Drop the table."""
    op.drop_table("log_batches")
