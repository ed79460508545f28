"""mlflow tracking api: nested runs, MLflow tags, MLflow-deleted runs

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 09:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """``experiments.parent_id``, ``mlflow_tags`` and ``mlflow_deleted_runs``."""
    with op.batch_alter_table("experiments") as batch:
        batch.add_column(sa.Column("parent_id", sa.Uuid(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_experiments_parent_id_experiments"),
            "experiments",
            ["parent_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index(op.f("ix_experiments_parent_id"), ["parent_id"])
    op.create_table(
        "mlflow_tags",
        sa.Column("experiment_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=250), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["experiment_id"],
            ["experiments.id"],
            name=op.f("fk_mlflow_tags_experiment_id_experiments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("experiment_id", "key", name="pk_mlflow_tags"),
    )
    op.create_table(
        "mlflow_deleted_runs",
        sa.Column("experiment_id", sa.Uuid(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["experiment_id"],
            ["experiments.id"],
            name=op.f("fk_mlflow_deleted_runs_experiment_id_experiments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("experiment_id", name="pk_mlflow_deleted_runs"),
    )


def downgrade() -> None:
    op.drop_table("mlflow_deleted_runs")
    op.drop_table("mlflow_tags")
    with op.batch_alter_table("experiments") as batch:
        batch.drop_index(op.f("ix_experiments_parent_id"))
        batch.drop_constraint(op.f("fk_experiments_parent_id_experiments"), type_="foreignkey")
        batch.drop_column("parent_id")
