"""The PostgreSQL hot path: summaries and rollups as one ``unnest`` statement each,
through the session's own asyncpg connection (same transaction), skipping SQLAlchemy's
per-row statement building. ``store.py`` calls these on PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.metrics.rollups import Aggregate

UPSERT_SERIES = """
INSERT INTO metric_series (experiment_id, key, count, first_step, last_step, last_value,
                           last_timestamp, min_value, max_value, updated_at)
SELECT $1, u.key, u.count, u.first_step, u.last_step, u.last_value, u.last_timestamp,
       u.min_value, u.max_value, $10
FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::float8[],
            $7::timestamptz[], $8::float8[], $9::float8[])
     AS u(key, count, first_step, last_step, last_value, last_timestamp, min_value, max_value)
ON CONFLICT (experiment_id, key) DO UPDATE SET
    count = metric_series.count + EXCLUDED.count,
    first_step = LEAST(metric_series.first_step, EXCLUDED.first_step),
    last_step = GREATEST(metric_series.last_step, EXCLUDED.last_step),
    last_value = CASE WHEN EXCLUDED.last_step >= metric_series.last_step
                      THEN EXCLUDED.last_value ELSE metric_series.last_value END,
    last_timestamp = CASE WHEN EXCLUDED.last_step >= metric_series.last_step
                          THEN EXCLUDED.last_timestamp ELSE metric_series.last_timestamp END,
    min_value = LEAST(metric_series.min_value, EXCLUDED.min_value),
    max_value = GREATEST(metric_series.max_value, EXCLUDED.max_value),
    updated_at = EXCLUDED.updated_at
RETURNING id, key
"""

_LOWER = (
    "((metric_rollups.min_value IS NULL AND EXCLUDED.min_value IS NOT NULL)"
    " OR EXCLUDED.min_value < metric_rollups.min_value)"
)
_HIGHER = (
    "((metric_rollups.max_value IS NULL AND EXCLUDED.max_value IS NOT NULL)"
    " OR EXCLUDED.max_value > metric_rollups.max_value)"
)

UPSERT_ROLLUPS = f"""
INSERT INTO metric_rollups (series_id, level, bucket, count, min_value, min_step, min_timestamp,
                            max_value, max_step, max_timestamp)
SELECT * FROM unnest($1::bigint[], $2::int2[], $3::bigint[], $4::bigint[], $5::float8[],
                     $6::bigint[], $7::timestamptz[], $8::float8[], $9::bigint[],
                     $10::timestamptz[])
ON CONFLICT (series_id, level, bucket) DO UPDATE SET
    count = metric_rollups.count + EXCLUDED.count,
    min_value = CASE WHEN {_LOWER} THEN EXCLUDED.min_value ELSE metric_rollups.min_value END,
    min_step = CASE WHEN {_LOWER} THEN EXCLUDED.min_step ELSE metric_rollups.min_step END,
    min_timestamp = CASE WHEN {_LOWER} THEN EXCLUDED.min_timestamp
                         ELSE metric_rollups.min_timestamp END,
    max_value = CASE WHEN {_HIGHER} THEN EXCLUDED.max_value ELSE metric_rollups.max_value END,
    max_step = CASE WHEN {_HIGHER} THEN EXCLUDED.max_step ELSE metric_rollups.max_step END,
    max_timestamp = CASE WHEN {_HIGHER} THEN EXCLUDED.max_timestamp
                         ELSE metric_rollups.max_timestamp END
"""


async def driver(session: AsyncSession) -> Any:
    """The asyncpg connection under the session (inside its transaction)."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    return raw.driver_connection


def _columns(rows: list[dict[str, Any]], names: list[str]) -> list[list[Any]]:
    return [[row[name] for row in rows] for name in names]


async def upsert_series(
    session: AsyncSession, experiment_id: uuid.UUID, rows: list[dict[str, Any]], now: datetime
) -> dict[str, int]:
    names = [
        "key",
        "count",
        "first_step",
        "last_step",
        "last_value",
        "last_timestamp",
        "min_value",
        "max_value",
    ]
    records = await (await driver(session)).fetch(
        UPSERT_SERIES, experiment_id, *_columns(rows, names), now
    )
    return {record["key"]: int(record["id"]) for record in records}


async def upsert_rollups(
    session: AsyncSession, aggregates: dict[tuple[int, int, int], Aggregate]
) -> None:
    columns: list[list[Any]] = [[] for _ in range(10)]
    for (series_id, level, bucket), agg in aggregates.items():
        for column, value in zip(
            columns,
            (
                series_id,
                level,
                bucket,
                agg.count,
                agg.min_value,
                agg.min_step,
                agg.min_timestamp,
                agg.max_value,
                agg.max_step,
                agg.max_timestamp,
            ),
            strict=True,
        ):
            column.append(value)
    await (await driver(session)).execute(UPSERT_ROLLUPS, *columns)
