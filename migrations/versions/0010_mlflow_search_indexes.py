"""mlflow search indexes: metric series by key and last value

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """``ix_metric_series_key_last_value``: a ``runs/search`` metric filter
    (``metrics.acc > 0.9``) reads the matching series instead of probing every run.

    Partial (``last_value IS NOT NULL``, which any comparison of the value implies), so
    the planners cannot take it for a plain ``ORDER BY key``: an analysed SQLite would
    otherwise read a thousand runs' summaries by scanning it whole instead of by run."""
    op.create_index(
        "ix_metric_series_key_last_value",
        "metric_series",
        ["key", "last_value"],
        sqlite_where=sa.text("last_value IS NOT NULL"),
        postgresql_where=sa.text("last_value IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_metric_series_key_last_value", table_name="metric_series")
