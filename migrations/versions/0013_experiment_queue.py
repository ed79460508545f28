"""experiment queue: priority, the waiting entry's pool, time, position and estimate

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 09:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("experiments") as batch:
        batch.add_column(sa.Column("priority", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("queued_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("queue_pool", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("queue_position", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("queue_estimated_start_at", UTCDateTime(), nullable=True))
        batch.create_index("ix_experiments_queue", ["queue_pool", "queued_at"])


def downgrade() -> None:
    with op.batch_alter_table("experiments") as batch:
        batch.drop_index("ix_experiments_queue")
        batch.drop_column("queue_estimated_start_at")
        batch.drop_column("queue_position")
        batch.drop_column("queue_pool")
        batch.drop_column("queued_at")
        batch.drop_column("priority")
