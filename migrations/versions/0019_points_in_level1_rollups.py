"""points in level-1 rollups: on PostgreSQL a bucket's raw points live in its level-1
rollup row as three arrays (``metric_points`` keeps only the points of a bucket past
``POINTS_PER_ROW``); on SQLite the arrays stay NULL

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 03:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# app.metrics.pg_store.POINTS_PER_ROW when this migration was written
_POINTS_PER_ROW = 64

# Every bucket of at most _POINTS_PER_ROW points moves into its level-1 row, in step order
# (a step's points by time, then value: the three arrays sort the same way); a larger
# bucket stays in metric_points, as the write would have left it.
_MOVE_IN = f"""
WITH moved AS (
    DELETE FROM metric_points AS p
    USING (SELECT series_id, step >> 4 AS bucket FROM metric_points
           GROUP BY 1, 2 HAVING count(*) <= {_POINTS_PER_ROW}) AS b
    WHERE p.series_id = b.series_id AND p.step >> 4 = b.bucket
    RETURNING p.series_id, p.step, p.value, p."timestamp"
)
UPDATE metric_rollups AS m
SET point_steps = c.steps, point_values = c.vals, point_times = c.times
FROM (SELECT series_id, step >> 4 AS bucket,
             array_agg(step ORDER BY step, "timestamp", value) AS steps,
             array_agg(COALESCE(value, 'NaN'::float8) ORDER BY step, "timestamp", value)
                 AS vals,
             array_agg("timestamp" ORDER BY step, "timestamp", value) AS times
      FROM moved GROUP BY 1, 2) AS c
WHERE m.series_id = c.series_id AND m.level = 1 AND m.bucket = c.bucket"""

_MOVE_OUT = """
INSERT INTO metric_points (series_id, step, value, "timestamp")
SELECT m.series_id, u.step, NULLIF(u.value, 'NaN'::float8), u.ts
FROM metric_rollups AS m,
     unnest(m.point_steps, m.point_values, m.point_times) AS u(step, value, ts)
WHERE m.level = 1 AND m.point_steps IS NOT NULL"""


def _columns(postgres: bool) -> list[sa.Column]:
    def typed(element: sa.types.TypeEngine) -> sa.types.TypeEngine:
        return postgresql.ARRAY(element) if postgres else sa.JSON()

    return [
        sa.Column("point_steps", typed(sa.BigInteger()), nullable=True),
        sa.Column("point_values", typed(sa.Float()), nullable=True),
        sa.Column("point_times", typed(sa.DateTime(timezone=True)), nullable=True),
    ]


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for column in _columns(postgres):
        op.add_column("metric_rollups", column)
    if postgres:
        op.execute(_MOVE_IN)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_MOVE_OUT)
    with op.batch_alter_table("metric_rollups") as batch:
        batch.drop_column("point_times")
        batch.drop_column("point_values")
        batch.drop_column("point_steps")
