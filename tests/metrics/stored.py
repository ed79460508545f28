"""The raw points as the database holds them, read from the tables themselves (not through a
store's reads, which the tests hold to these): rows of ``metric_points``, and on PostgreSQL
the arrays of the level-1 rollup rows (``app.models.metric``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import literal, literal_column, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import metric_points

# (series, step, value, time, where: 0 an array and its place in it, 1 metric_points and its
# row's order); a NaN value as NULL
_POSTGRESQL = text("""
SELECT m.series_id, u.step, NULLIF(u.value, 'NaN'::float8), u.ts, 0, u.n
FROM metric_rollups m,
     unnest(m.point_steps, m.point_values, m.point_times) WITH ORDINALITY AS u(step, value, ts, n)
WHERE m.level = 1 AND m.series_id = ANY(:ids)
UNION ALL
SELECT series_id, step, value, "timestamp", 1, 0 FROM metric_points WHERE series_id = ANY(:ids)
""")
_SQLITE = (
    "SELECT series_id, step, value, timestamp, 1, rowid FROM metric_points WHERE series_id IN ({})"
)

StoredPoint = tuple[int, float | None, datetime]  # step, value (NULL: NaN), time


async def stored_points(session: AsyncSession, ids: Sequence[int]) -> dict[int, list[StoredPoint]]:
    """Every stored point of the series ``ids``, each series' in the stores' order (by step,
    a step's points by time, then value, then as they came)."""
    found: dict[int, list[Any]] = {series_id: [] for series_id in ids}
    if session.get_bind().dialect.name == "postgresql":
        rows = (await session.execute(_POSTGRESQL, {"ids": list(ids)})).all()
    else:
        p = metric_points.c
        query = select(
            p.series_id, p.step, p.value, p.timestamp, literal(1), literal_column("rowid")
        )
        rows = (await session.execute(query.where(p.series_id.in_(list(ids))))).all()
    # by step, a step's points by time, then value (NULL last), then as they came
    ordered = sorted(rows, key=lambda r: (r[0], r[1], r[3], r[2] is None, r[2] or 0, *r[4:]))
    for series_id, step, value, stamp, *_ in ordered:
        found[series_id].append((step, value, stamp))
    return found
