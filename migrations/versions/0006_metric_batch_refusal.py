"""metric batch refusal: a function that aborts a one-statement batch on PostgreSQL

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 09:15:00
"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Raised by ``app.metrics.pg_store.WRITE_BATCH_ALONE`` (a batch written in a statement of its
# own, outside any transaction) when the experiment stopped being RUNNING between the
# statement's snapshot and its touch: the error aborts the statement, so nothing of the
# batch is kept. SQLite runs no such statement.
CREATE = """
CREATE FUNCTION expsvc_metric_batch_refused() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'metric batch refused: the experiment changed while it was written'
        USING ERRCODE = 'P0001', HINT = 'expsvc:metric-batch-refused';
END
$$
"""


def upgrade() -> None:
    """The function ``WRITE_BATCH_ALONE`` calls to abort itself (PostgreSQL only)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(CREATE)


def downgrade() -> None:
    """Drop the function."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION expsvc_metric_batch_refused()")
