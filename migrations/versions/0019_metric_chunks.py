"""metric chunks: on PostgreSQL the raw points move to ``metric_chunks``, one row of arrays
per series and level-1 bucket (SQLite keeps them in ``metric_points``)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 03:20:00
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

# Each series' points of a level-1 bucket (``step >> 4``) become one chunk, in step order (a
# step's points by time, then value: the three arrays sort alike); a NaN, stored as NULL,
# becomes NaN, as the write stores it in an array
_MOVE_IN = """
WITH moved AS (
    DELETE FROM metric_points RETURNING series_id, step, value, "timestamp"
)
INSERT INTO metric_chunks (series_id, bucket, steps, vals, times)
SELECT series_id, step >> 4,
       array_agg(step ORDER BY step, "timestamp", value),
       array_agg(COALESCE(value, 'NaN'::float8) ORDER BY step, "timestamp", value),
       array_agg("timestamp" ORDER BY step, "timestamp", value)
FROM moved GROUP BY series_id, step >> 4"""

_MOVE_OUT = """
INSERT INTO metric_points (series_id, step, value, "timestamp")
SELECT c.series_id, u.step, NULLIF(u.value, 'NaN'::float8), u.ts
FROM metric_chunks AS c, unnest(c.steps, c.vals, c.times) AS u(step, value, ts)"""


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"

    def array(element: sa.types.TypeEngine) -> sa.types.TypeEngine:
        return postgresql.ARRAY(element) if postgres else sa.JSON()

    op.create_table(
        "metric_chunks",
        sa.Column("series_id", sa.BigInteger(), nullable=False),
        sa.Column("bucket", sa.BigInteger(), nullable=False),
        sa.Column("steps", array(sa.BigInteger()), nullable=False),
        sa.Column("vals", array(sa.Float()), nullable=False),
        sa.Column("times", array(sa.DateTime(timezone=True)), nullable=False),
    )
    op.create_index("ix_metric_chunks_series_bucket", "metric_chunks", ["series_id", "bucket"])
    if postgres:
        op.execute(_MOVE_IN)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_MOVE_OUT)
    op.drop_index("ix_metric_chunks_series_bucket", table_name="metric_chunks")
    op.drop_table("metric_chunks")
