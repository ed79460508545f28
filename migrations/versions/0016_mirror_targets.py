"""mirror targets: the MLflow mirror's tables become the shared mirror_runs and
mirror_queue, with a target ('mlflow' | 'wandb'); MLflow's rows move over as they are

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QUEUE_COLUMNS = "id, experiment_id, kind, points, sent, payload, created_at"
RUN_COLUMNS = (
    "experiment_id, run_id, artifact_uri, final_status, points_synced, synced_at,"
    " last_error, last_error_at, created_at"
)


def _id_column() -> sa.Column[int]:
    return sa.Column(
        "id",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        autoincrement=True,
        nullable=False,
    )


def _fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["experiment_id"],
        ["experiments.id"],
        name=op.f(f"fk_{table}_experiment_id_experiments"),
        ondelete="CASCADE",
    )


def _queue_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("experiment_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("sent", sa.Integer(), server_default="0", nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
    ]


def _run_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("experiment_id", sa.Uuid(), nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=True),
        sa.Column("artifact_uri", sa.String(length=1000), nullable=True),
        sa.Column("final_status", sa.String(length=16), nullable=True),
        sa.Column("points_synced", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("synced_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
    ]


def _continue_ids(table: str) -> None:
    """PostgreSQL: the id sequence goes on after the copied ids."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
            f" COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table}"
        )


def upgrade() -> None:
    """Create the shared tables, copy MLflow's rows (target 'mlflow', ids kept), drop
    the old ones."""
    op.create_table(
        "mirror_queue",
        _id_column(),
        sa.Column("target", sa.String(length=16), nullable=False),
        *_queue_columns(),
        _fk("mirror_queue"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mirror_queue")),
    )
    with op.batch_alter_table("mirror_queue", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mirror_queue_experiment_id"), ["experiment_id"], unique=False
        )
        batch_op.create_index(
            "ix_mirror_queue_target_experiment", ["target", "experiment_id", "id"], unique=False
        )
    op.create_table(
        "mirror_runs",
        sa.Column("target", sa.String(length=16), nullable=False),
        *_run_columns(),
        sa.Column("remote_group", sa.String(length=255), nullable=True),
        sa.Column("last_step", sa.BigInteger(), nullable=True),
        sa.Column("log_seq", sa.BigInteger(), server_default="0", nullable=False),
        _fk("mirror_runs"),
        sa.PrimaryKeyConstraint("target", "experiment_id", name=op.f("pk_mirror_runs")),
    )
    op.execute(
        f"INSERT INTO mirror_queue (target, {QUEUE_COLUMNS})"
        f" SELECT 'mlflow', {QUEUE_COLUMNS} FROM mlflow_queue"
    )
    _continue_ids("mirror_queue")
    op.execute(
        f"INSERT INTO mirror_runs (target, remote_group, {RUN_COLUMNS})"
        f" SELECT 'mlflow', mlflow_experiment_id, {RUN_COLUMNS} FROM mlflow_runs"
    )
    op.drop_table("mlflow_runs")
    with op.batch_alter_table("mlflow_queue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mlflow_queue_experiment_id"))
    op.drop_table("mlflow_queue")


def downgrade() -> None:
    """Back to MLflow's own tables with its rows; what other targets queued is dropped."""
    op.create_table(
        "mlflow_queue",
        _id_column(),
        *_queue_columns(),
        _fk("mlflow_queue"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mlflow_queue")),
    )
    with op.batch_alter_table("mlflow_queue", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mlflow_queue_experiment_id"), ["experiment_id"], unique=False
        )
    op.create_table(
        "mlflow_runs",
        *_run_columns()[:1],
        sa.Column("mlflow_experiment_id", sa.String(length=64), nullable=True),
        *_run_columns()[1:],
        _fk("mlflow_runs"),
        sa.PrimaryKeyConstraint("experiment_id", name=op.f("pk_mlflow_runs")),
    )
    op.execute(
        f"INSERT INTO mlflow_queue ({QUEUE_COLUMNS})"
        f" SELECT {QUEUE_COLUMNS} FROM mirror_queue WHERE target = 'mlflow'"
    )
    _continue_ids("mlflow_queue")
    op.execute(
        f"INSERT INTO mlflow_runs (mlflow_experiment_id, {RUN_COLUMNS})"
        f" SELECT remote_group, {RUN_COLUMNS} FROM mirror_runs WHERE target = 'mlflow'"
    )
    op.drop_table("mirror_runs")
    with op.batch_alter_table("mirror_queue", schema=None) as batch_op:
        batch_op.drop_index("ix_mirror_queue_target_experiment")
        batch_op.drop_index(batch_op.f("ix_mirror_queue_experiment_id"))
    op.drop_table("mirror_queue")
