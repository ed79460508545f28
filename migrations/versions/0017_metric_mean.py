"""metric mean: each series' sum and number of finite values

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 18:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The series written so far, from their points (NaN is stored as NULL; infinities do not
# count)
_BACKFILL = {
    "postgresql": """
        UPDATE metric_series AS m SET value_sum = f.value_sum, finite_count = f.finite_count
        FROM (SELECT series_id, sum(value) AS value_sum, count(*) AS finite_count
              FROM metric_points
              WHERE value > '-Infinity'::float8 AND value < 'Infinity'::float8
              GROUP BY series_id) AS f
        WHERE f.series_id = m.id""",
    "sqlite": """
        UPDATE metric_series SET
            value_sum = COALESCE((SELECT sum(value) FROM metric_points
                                  WHERE series_id = metric_series.id
                                    AND value > -9e999 AND value < 9e999), 0),
            finite_count = (SELECT count(*) FROM metric_points
                            WHERE series_id = metric_series.id
                              AND value > -9e999 AND value < 9e999)""",
}


def upgrade() -> None:
    # plain ADD COLUMN (a constant default): SQLite keeps the table and its partial index
    op.add_column(
        "metric_series", sa.Column("value_sum", sa.Float(), server_default="0", nullable=False)
    )
    op.add_column(
        "metric_series",
        sa.Column("finite_count", sa.BigInteger(), server_default="0", nullable=False),
    )
    op.execute(_BACKFILL[op.get_bind().dialect.name])


def downgrade() -> None:
    with op.batch_alter_table("metric_series") as batch:
        batch.drop_column("finite_count")
        batch.drop_column("value_sum")
