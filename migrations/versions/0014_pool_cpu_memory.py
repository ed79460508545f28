"""pool CPU cores and memory: capacities, reserved counters, the CPU rate; reservations
hold cores and memory and keep their CPU rate; experiments keep their final CPU cost

Existing pools get 16 cores and 128 GB per GPU (``app.config.CPU_CORES_PER_GPU`` /
``MEMORY_GB_PER_GPU``) and a CPU rate of 0 (their costs stay what they were); open
reservations count their experiments' requested cores and memory, so the new counters
match what runs.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 12:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CPU_CORES_PER_GPU = 16  # the values at the time of this revision, not imported
MEMORY_GB_PER_GPU = 128


def _zero(name: str, type_: sa.types.TypeEngine) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, type_, server_default="0", nullable=False)


def upgrade() -> None:
    with op.batch_alter_table("resource_pools") as batch:
        batch.add_column(_zero("cpu_cores", sa.Integer()))
        batch.add_column(_zero("cpu_reserved", sa.Integer()))
        batch.add_column(_zero("memory_gb", sa.Integer()))
        batch.add_column(_zero("memory_reserved", sa.Integer()))
        batch.add_column(_zero("hourly_cost_per_cpu_core", sa.Float()))
        batch.create_check_constraint(
            op.f("ck_resource_pools_cpu_reserved_not_negative"), "cpu_reserved >= 0"
        )
        batch.create_check_constraint(
            op.f("ck_resource_pools_memory_reserved_not_negative"), "memory_reserved >= 0"
        )
    with op.batch_alter_table("reservations") as batch:
        batch.add_column(_zero("cpu_cores", sa.Integer()))
        batch.add_column(_zero("memory_gb", sa.Integer()))
        batch.add_column(_zero("hourly_cost_per_cpu_core", sa.Float()))
    with op.batch_alter_table("experiments") as batch:
        batch.add_column(_zero("cpu_cost", sa.Float()))

    pools = sa.table(
        "resource_pools",
        sa.column("name", sa.String()),
        sa.column("capacity", sa.Integer()),
        sa.column("cpu_cores", sa.Integer()),
        sa.column("cpu_reserved", sa.Integer()),
        sa.column("memory_gb", sa.Integer()),
        sa.column("memory_reserved", sa.Integer()),
    )
    reservations = sa.table(
        "reservations",
        sa.column("experiment_id", sa.Uuid()),
        sa.column("pool_name", sa.String()),
        sa.column("cpu_cores", sa.Integer()),
        sa.column("memory_gb", sa.Integer()),
        sa.column("released_at", sa.DateTime()),
    )
    experiments = sa.table(
        "experiments",
        sa.column("id", sa.Uuid()),
        sa.column("cpu_cores", sa.Integer()),
        sa.column("memory_gb", sa.Integer()),
    )
    requested = sa.select(experiments.c.cpu_cores).where(
        experiments.c.id == reservations.c.experiment_id
    )
    requested_memory = sa.select(experiments.c.memory_gb).where(
        experiments.c.id == reservations.c.experiment_id
    )
    op.execute(
        reservations.update().values(
            cpu_cores=requested.scalar_subquery(), memory_gb=requested_memory.scalar_subquery()
        )
    )
    open_ = reservations.c.released_at.is_(None) & (reservations.c.pool_name == pools.c.name)
    held_cpu = sa.select(sa.func.coalesce(sa.func.sum(reservations.c.cpu_cores), 0)).where(open_)
    held_memory = sa.select(sa.func.coalesce(sa.func.sum(reservations.c.memory_gb), 0)).where(open_)
    cpu_reserved = held_cpu.scalar_subquery()
    memory_reserved = held_memory.scalar_subquery()
    # at least what runs already holds, so no counter starts above its capacity
    op.execute(
        pools.update().values(
            cpu_reserved=cpu_reserved,
            memory_reserved=memory_reserved,
            cpu_cores=sa.func.greatest(pools.c.capacity * CPU_CORES_PER_GPU, cpu_reserved)
            if op.get_bind().dialect.name == "postgresql"
            else sa.func.max(pools.c.capacity * CPU_CORES_PER_GPU, cpu_reserved),
            memory_gb=sa.func.greatest(pools.c.capacity * MEMORY_GB_PER_GPU, memory_reserved)
            if op.get_bind().dialect.name == "postgresql"
            else sa.func.max(pools.c.capacity * MEMORY_GB_PER_GPU, memory_reserved),
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("experiments") as batch:
        batch.drop_column("cpu_cost")
    with op.batch_alter_table("reservations") as batch:
        batch.drop_column("hourly_cost_per_cpu_core")
        batch.drop_column("memory_gb")
        batch.drop_column("cpu_cores")
    with op.batch_alter_table("resource_pools") as batch:
        batch.drop_constraint(op.f("ck_resource_pools_memory_reserved_not_negative"), type_="check")
        batch.drop_constraint(op.f("ck_resource_pools_cpu_reserved_not_negative"), type_="check")
        batch.drop_column("hourly_cost_per_cpu_core")
        batch.drop_column("memory_reserved")
        batch.drop_column("memory_gb")
        batch.drop_column("cpu_reserved")
        batch.drop_column("cpu_cores")
