"""The raw points as the database holds them, read from the tables themselves (not through a
store's reads, which the tests hold to these): rows of ``metric_points``, and on PostgreSQL
the arrays of ``metric_chunks`` (``app.models.metric``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import metric_points

# (series, step, value, time); a NaN value as NULL. ``metric_points`` too: the rows the
# tests' Python path (what SQLite runs) writes on PostgreSQL
_POSTGRESQL = text("""
SELECT c.series_id, u.step, NULLIF(u.value, 'NaN'::float8), u.ts
FROM metric_chunks c, unnest(c.steps, c.vals, c.times) AS u(step, value, ts)
WHERE c.series_id = ANY(:ids)
UNION ALL
SELECT series_id, step, value, "timestamp" FROM metric_points WHERE series_id = ANY(:ids)
""")

_COUNT = {
    "postgresql": "SELECT (SELECT count(*) FROM metric_points)"
    " + (SELECT coalesce(sum(cardinality(steps)), 0) FROM metric_chunks)",
    "sqlite": "SELECT count(*) FROM metric_points",
}

StoredPoint = tuple[int, float | None, datetime]  # step, value (NULL: NaN), time


async def stored_points(session: AsyncSession, ids: Sequence[int]) -> dict[int, list[StoredPoint]]:
    """Every stored point of the series ``ids``, each series' in the stores' order (by step,
    a step's points by time, then value)."""
    found: dict[int, list[Any]] = {series_id: [] for series_id in ids}
    if session.get_bind().dialect.name == "postgresql":
        rows = (await session.execute(_POSTGRESQL, {"ids": list(ids)})).all()
    else:
        p = metric_points.c
        query = select(p.series_id, p.step, p.value, p.timestamp)
        rows = (await session.execute(query.where(p.series_id.in_(list(ids))))).all()
    # by step, a step's points by time, then value (NULL last)
    ordered = sorted(rows, key=lambda r: (r[0], r[1], r[3], r[2] is None, r[2] or 0))
    for series_id, step, value, stamp in ordered:
        found[series_id].append((step, value, stamp))
    return found


async def stored_point_count(session: AsyncSession) -> int:
    """How many raw points the database holds, of every series."""
    query = text(_COUNT[session.get_bind().dialect.name])
    return int(await session.scalar(query) or 0)
