"""pool queue order: how a pool orders its waiting entries within a priority (FIFO, the
order so far, for every existing pool)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("resource_pools") as batch:
        batch.add_column(
            sa.Column(
                "queue_order",
                sa.Enum("FIFO", "WIDEST_FIRST", name="queue_order", native_enum=False, length=16),
                server_default="FIFO",
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("resource_pools") as batch:
        batch.drop_column("queue_order")
