"""resources, costs, notifications: pools, reservations, API costs, notifications

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 04:18:40.034782
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Pools, reservations, API costs, notifications; cost columns; outbox.notified_at."""
    op.create_table(
        "resource_pools",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("gpu_type", sa.String(length=64), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("reserved", sa.Integer(), server_default="0", nullable=False),
        sa.Column("hourly_cost_per_gpu", sa.Float(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("capacity >= 0", name=op.f("ck_resource_pools_capacity_not_negative")),
        sa.CheckConstraint("reserved >= 0", name=op.f("ck_resource_pools_reserved_not_negative")),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_resource_pools")),
    )
    with op.batch_alter_table("resource_pools", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_resource_pools_gpu_type"), ["gpu_type"], unique=False)

    op.create_table(
        "api_costs",
        sa.Column("experiment_id", sa.Uuid(), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_api_costs_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["experiment_id"],
            ["experiments.id"],
            name=op.f("fk_api_costs_experiment_id_experiments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_costs")),
    )
    with op.batch_alter_table("api_costs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_api_costs_experiment_id"), ["experiment_id"], unique=False
        )

    op.create_table(
        "notifications",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("experiment_id", sa.Uuid(), nullable=True),
        sa.Column("source_event_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("read_at", UTCDateTime(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["experiment_id"],
            ["experiments.id"],
            name=op.f("fk_notifications_experiment_id_experiments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint(
            "user_id", "source_event_id", "kind", name=op.f("uq_notifications_user_id")
        ),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notifications_experiment_id"), ["experiment_id"], unique=False
        )
        batch_op.create_index(
            "ix_notifications_user_created", ["user_id", "created_at"], unique=False
        )

    op.create_table(
        "reservations",
        sa.Column("experiment_id", sa.Uuid(), nullable=False),
        sa.Column("pool_name", sa.String(length=100), nullable=False),
        sa.Column("gpu_count", sa.Integer(), nullable=False),
        sa.Column("hourly_cost_per_gpu", sa.Float(), nullable=False),
        sa.Column("reserved_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("released_at", UTCDateTime(), nullable=True),
        sa.Column("warned_at", UTCDateTime(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["experiment_id"],
            ["experiments.id"],
            name=op.f("fk_reservations_experiment_id_experiments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pool_name"],
            ["resource_pools.name"],
            name=op.f("fk_reservations_pool_name_resource_pools"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reservations")),
        sa.UniqueConstraint("experiment_id", name=op.f("uq_reservations_experiment_id")),
    )
    with op.batch_alter_table("reservations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reservations_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_reservations_pool_name"), ["pool_name"], unique=False)

    with op.batch_alter_table("experiments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("api_cost", sa.Float(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("gpu_cost", sa.Float(), server_default="0", nullable=False))

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notified_at", UTCDateTime(), nullable=True))
        batch_op.create_index(
            "ix_outbox_unnotified",
            ["id"],
            unique=False,
            postgresql_where=sa.text("notified_at IS NULL"),
            sqlite_where=sa.text("notified_at IS NULL"),
        )
    # events from before notifications existed are not announced now
    op.execute("UPDATE outbox SET notified_at = created_at")


def downgrade() -> None:
    """Drop what upgrade created."""
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_outbox_unnotified",
            postgresql_where=sa.text("notified_at IS NULL"),
            sqlite_where=sa.text("notified_at IS NULL"),
        )
        batch_op.drop_column("notified_at")

    with op.batch_alter_table("experiments", schema=None) as batch_op:
        batch_op.drop_column("gpu_cost")
        batch_op.drop_column("api_cost")

    with op.batch_alter_table("reservations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reservations_pool_name"))
        batch_op.drop_index(batch_op.f("ix_reservations_expires_at"))

    op.drop_table("reservations")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_user_created")
        batch_op.drop_index(batch_op.f("ix_notifications_experiment_id"))

    op.drop_table("notifications")
    with op.batch_alter_table("api_costs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_costs_experiment_id"))

    op.drop_table("api_costs")
    with op.batch_alter_table("resource_pools", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resource_pools_gpu_type"))

    op.drop_table("resource_pools")
