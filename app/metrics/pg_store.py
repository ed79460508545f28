"""The PostgreSQL hot path, through the session's own asyncpg connection (same
transaction), skipping SQLAlchemy's per-row statement building. ``store.py`` calls these
on PostgreSQL.

``WRITE_BATCH`` writes a whole batch in one statement from its columns sent as arrays:
the summaries, the points and the rollups of every level are computed by PostgreSQL from
the same arrays (no per-point Python, one round trip), and the same statement then
touches the experiment (``touch_running_for_metrics``'s UPDATE), so a batch costs three
round trips with BEGIN and COMMIT.

The points are kept as ``metric_chunks``: a batch's points of one key and level-1 bucket
(16 steps) in one row of three arrays, so a 1,000-point batch inserts ~63 narrow rows
instead of 1,000 rows and index entries. A chunk is only ever inserted, never appended to
(a step logged over and over, as MLflow's client does with step 0, makes a chunk per
batch, not one ever longer row); ``app.metrics.batched_pg.stored_points`` reads them.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import asyncpg
import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from app.access import actor_params, running_and_actable
from app.db import asyncpg_connection
from app.floats import spelled
from app.metrics.batch import MetricBatch
from app.metrics.rules import LEVEL_SHIFT, key_sums, level1_buckets
from app.models import User

# A rollup upsert's "the incoming minimum (maximum) replaces the stored one"
_LOWER = (
    "((metric_rollups.min_value IS NULL AND EXCLUDED.min_value IS NOT NULL)"
    " OR EXCLUDED.min_value < metric_rollups.min_value)"
)
_HIGHER = (
    "((metric_rollups.max_value IS NULL AND EXCLUDED.max_value IS NOT NULL)"
    " OR EXCLUDED.max_value > metric_rollups.max_value)"
)


def finite_sql(column: str) -> str:
    """``app.floats.is_finite`` in SQL: in PostgreSQL NaN sorts above +Infinity, so these two
    comparisons leave out NaN, +Infinity and -Infinity (and NULL, a stored NaN)."""
    return f"{column} > '-Infinity'::float8 AND {column} < 'Infinity'::float8"


# Parameters: $1 experiment id, $2 the batch's distinct keys, $3 each point's key as a
# 1-based index into $2 (NULL: all the first key), $4 steps, $5 values (NaN as NaN), $6
# epoch milliseconds, or $7 timestamps, or $8 one time for every point, $9 now. The long
# columns ($3-$6) come as text array literals, which PostgreSQL parses in C and the client
# builds with one ``orjson.dumps`` each (asyncpg's binary array encoder costs more per
# element); ``x`` parses each once.
#
# $10-$19 are the level-1 buckets (key, 16-step bucket), one pass over the points in
# Python (``rules.level1_buckets``; cheaper there than grouping 1,000 rows with arrays in SQL):
# count, lowest step, the last point (highest step, on repeats the later point) and the
# finite minimum and maximum with the ordinal (1-based) of their earliest point. Every
# coarser level and each key's summary are folded from those rows: a minimum is carried as
# ``ARRAY[value, ordinal]`` so ``min()`` keeps the value and, on ties, the earliest point
# of the batch (a maximum as ``ARRAY[value, -ordinal]`` under ``max()``); its step and time
# are then read from the input arrays at that ordinal. $23-$24 are each key's sum and number of
# finite values (``rules.key_sums``).
#
# ``t`` holds each point's time, from the epoch milliseconds, the timestamps, or the one
# time of the whole batch, whichever was sent (a minimum's or maximum's time is read from it
# at that point's ordinal: NULL when there is none). A chunk is one slice of ``g``, the
# batch's points grouped by key and level-1 bucket: $26 is that grouping as 1-based
# ordinals (NULL when the batch is grouped already: one key, steps in order) and $25 each
# level-1 bucket's first position in it (``point_places``). These are the rules of
# ``rules.rollup_rows``, ``rules.batch_summaries``, ``rules.summary_merge`` and
# ``rules.rollup_merge`` (asserted by tests/metrics/test_rules_pg.py and test_pg_write.py).
#
# Data-modifying CTEs run exactly once whether referenced or not; all of them see the same
# snapshot, and none reads a table another one writes (the chunks and rollups join the
# RETURNING rows of the summary upsert for their series ids).
#
# $20-$22 are the caller, as the touch takes them (sees everything, id, is a TL). ``ok``
# lets the writes happen only for a RUNNING experiment the caller may act on; ``touched``
# then records the activity and returns the batch's sequence number, or no row, which the
# caller turns into the refusal (rolling the transaction back). The touch's WHERE reads
# the counts of the chunks and rollups written, so it runs after them: the experiment's
# row lock, which concurrent batches of the run queue for, is held from there to COMMIT,
# not through the write.
_WRITE_AND_TOUCH = f"""
WITH ok AS (
    SELECT 1 FROM experiments AS e WHERE {running_and_actable("$1", "$20", "$21", "$22")}
),
x AS MATERIALIZED (
    SELECT $3::text::int4[] AS k, $4::text::int8[] AS steps, $5::text::float8[] AS vals,
           $6::text::int8[] AS ms, $7::timestamptz[] AS ts
),
t AS MATERIALIZED (
    SELECT CASE WHEN x.ms IS NOT NULL
                THEN ARRAY(SELECT 'epoch'::timestamptz + m * interval '1 millisecond'
                           FROM unnest(x.ms) AS m)
                ELSE COALESCE(x.ts, array_fill($8::timestamptz, ARRAY[cardinality(x.steps)]))
           END AS times
    FROM x
),
g AS MATERIALIZED (
    SELECT CASE WHEN $26::text IS NULL THEN x.steps
                ELSE ARRAY(SELECT x.steps[o] FROM unnest($26::text::int4[]) AS o) END AS steps,
           CASE WHEN $26::text IS NULL THEN x.vals
                ELSE ARRAY(SELECT x.vals[o] FROM unnest($26::text::int4[]) AS o) END AS vals,
           CASE WHEN $26::text IS NULL THEN t.times
                ELSE ARRAY(SELECT t.times[o] FROM unnest($26::text::int4[]) AS o) END AS times
    FROM x, t
),
level1 AS (
    SELECT l.k, l.bucket, l.count, l.first_step, ARRAY[l.last_step, l.last_ord] AS last,
           l.place,
           CASE WHEN l.lo_value IS NOT NULL THEN ARRAY[l.lo_value, l.lo_ord] END AS lo,
           CASE WHEN l.hi_value IS NOT NULL THEN ARRAY[l.hi_value, -l.hi_ord] END AS hi
    FROM unnest($10::text::int4[], $11::text::int8[], $12::text::int8[], $13::text::int8[],
                $14::text::int8[], $15::text::int4[], $16::text::float8[], $17::text::int4[],
                $18::text::float8[], $19::text::int4[], $25::text::int4[])
         AS l(k, bucket, count, first_step, last_step, last_ord, lo_value, lo_ord, hi_value,
              hi_ord, place)
),
summary AS (
    SELECT k, sum(count)::int8 AS count, min(first_step) AS first_step, max(last) AS last,
           min(lo) AS lo, max(hi) AS hi
    FROM level1 GROUP BY k
),
series AS (
    INSERT INTO metric_series AS m (experiment_id, key, count, first_step, last_step,
                                    last_value, last_timestamp, min_value, max_value,
                                    value_sum, finite_count, updated_at)
    SELECT $1, ($2::text[])[s.k], s.count, s.first_step, s.last[1],
           NULLIF(x.vals[s.last[2]::int4], 'NaN'::float8), t.times[s.last[2]::int4],
           s.lo[1], s.hi[1], ($23::text::float8[])[s.k], ($24::text::int8[])[s.k], $9
    FROM summary s, x, t, ok
    ON CONFLICT (experiment_id, key) DO UPDATE SET
        count = m.count + EXCLUDED.count,
        first_step = LEAST(m.first_step, EXCLUDED.first_step),
        last_step = GREATEST(m.last_step, EXCLUDED.last_step),
        last_value = CASE WHEN EXCLUDED.last_step >= m.last_step
                          THEN EXCLUDED.last_value ELSE m.last_value END,
        last_timestamp = CASE WHEN EXCLUDED.last_step >= m.last_step
                              THEN EXCLUDED.last_timestamp ELSE m.last_timestamp END,
        min_value = LEAST(m.min_value, EXCLUDED.min_value),
        max_value = GREATEST(m.max_value, EXCLUDED.max_value),
        value_sum = m.value_sum + EXCLUDED.value_sum,
        finite_count = m.finite_count + EXCLUDED.finite_count,
        updated_at = EXCLUDED.updated_at
    RETURNING m.id, m.key
),
ids AS (
    SELECT n.k, series.id
    FROM series JOIN unnest($2::text[]) WITH ORDINALITY AS n(key, k) ON n.key = series.key
),
chunks AS (
    INSERT INTO metric_chunks (series_id, bucket, steps, vals, times)
    SELECT ids.id, l.bucket, g.steps[l.place:l.place + l.count - 1],
           g.vals[l.place:l.place + l.count - 1], g.times[l.place:l.place + l.count - 1]
    FROM level1 l JOIN ids ON ids.k = l.k, g
    RETURNING 1
),
levels AS (
    SELECT l.k, v.level, l.bucket >> (4 * (v.level - 1)) AS bucket, sum(l.count)::int8 AS count,
           min(l.lo) AS lo, max(l.hi) AS hi
    FROM level1 l CROSS JOIN generate_series(1, 8) AS v(level)
    GROUP BY l.k, v.level, l.bucket >> (4 * (v.level - 1))
),
rollups AS (
INSERT INTO metric_rollups (series_id, level, bucket, count, min_value, min_step,
                            min_timestamp, max_value, max_step, max_timestamp)
SELECT ids.id, r.level, r.bucket, r.count,
       r.lo[1], x.steps[r.lo[2]::int4], t.times[r.lo[2]::int4],
       r.hi[1], x.steps[(-r.hi[2])::int4], t.times[(-r.hi[2])::int4]
FROM levels r JOIN ids ON ids.k = r.k, x, t
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
RETURNING 1
),
touched AS (
    UPDATE experiments AS e
    SET metric_seq = e.metric_seq + 1, updated_at = $9, last_activity_at = $9
    WHERE {running_and_actable("$1", "$20", "$21", "$22")}
      AND (SELECT count(*) FROM chunks) + (SELECT count(*) FROM rollups) >= 0
    RETURNING e.metric_seq
)"""

# In the unit of work's transaction: no row when refused (the caller then says why and the
# transaction rolls back).
WRITE_BATCH = _WRITE_AND_TOUCH + "\nSELECT metric_seq FROM touched"

# A statement of its own (``Database.autocommit_driver``: one round trip, committed when it
# ends). Refused before writing (``ok`` empty): no row, nothing written. Written, but the
# touch found the experiment no longer RUNNING (it ended meanwhile): the function raises
# (migration 0006), which aborts the statement and so the write.
WRITE_BATCH_ALONE = (
    _WRITE_AND_TOUCH
    + """
SELECT COALESCE((SELECT metric_seq FROM touched),
                CASE WHEN EXISTS (SELECT 1 FROM ok) THEN expsvc_metric_batch_refused() END)"""
)
REFUSED_HINT = "expsvc:metric-batch-refused"


def array_literal(items: list[Any]) -> str:
    """A PostgreSQL array literal of ints or finite floats (orjson writes each exactly: the
    shortest text that reads back as the same double)."""
    text = orjson.dumps(items).decode()
    return "{" + text[1:-1] + "}"


def _float_text(value: float) -> str:
    text = spelled(value)
    return text if isinstance(text, str) else repr(text)


def values_literal(values: list[float]) -> str:
    """As ``array_literal``, and NaN / ±Infinity spelled as PostgreSQL reads them (orjson
    would write them as null)."""
    text = orjson.dumps(values)
    if b"null" not in text:
        return "{" + text.decode()[1:-1] + "}"
    return "{" + ",".join(map(_float_text, values)) + "}"


async def driver(session: AsyncSession) -> Any:
    """The asyncpg connection under the session (inside its transaction)."""
    return await asyncpg_connection(session)


def level1_columns(
    index: list[int] | None, steps: list[int], values: list[float]
) -> list[str | None]:
    """``WRITE_BATCH``'s $10-$19, $25 and $26: the level-1 buckets of the points
    (``rules.level1_buckets``) and where their points are (``point_places``), as text
    arrays."""
    rows = level1_buckets(index, steps, values)
    places, order = point_places(index, steps, rows)
    columns = [array_literal(list(column)) for column in zip(*rows, strict=True)]
    return [*columns, array_literal(places), None if order is None else array_literal(order)]


def point_places(
    index: list[int] | None, steps: list[int], rows: list[Any]
) -> tuple[list[int], list[int] | None]:
    """The batch's points grouped by key and level-1 bucket (stable: a bucket's points keep
    the batch's order) as 1-based ordinals, or None when they are grouped already (one key,
    steps in order); and each of ``rows`` (``rules.Level1``) its first position in that
    grouping."""
    if index is None and steps == sorted(steps):
        # a bucket's points are consecutive and its last point is its ``last_ord``
        return [row[5] - row[2] + 1 for row in rows], None
    keys = index if index is not None else [1] * len(steps)
    places = [(k, step >> LEVEL_SHIFT) for k, step in zip(keys, steps, strict=True)]
    order = sorted(range(1, len(steps) + 1), key=lambda ordinal: places[ordinal - 1])
    starts: dict[tuple[int, int], int] = {}
    for position, ordinal in enumerate(order, 1):
        starts.setdefault(places[ordinal - 1], position)
    return [starts[(row[0], row[1])] for row in rows], order


def sums_columns(batch: MetricBatch) -> list[str]:
    """``WRITE_BATCH``'s $23-$24: each key's sum (an overflow is +-Infinity) and number of
    finite values (``rules.key_sums``) as text arrays."""
    sums, counts = key_sums(batch)
    return [values_literal(sums), array_literal(counts)]


def write_batch_args(
    experiment_id: uuid.UUID, batch: MetricBatch, now: datetime, actor: User
) -> list[Any]:
    """``WRITE_BATCH``'s parameters for a batch sent by ``actor``."""
    keys = batch.keys
    first = keys[0]
    index: list[int] | None = None
    if keys.count(first) == len(keys):  # the common case: one key per batch
        names = [first]
    else:
        positions: dict[str, int] = {}
        index = [positions.setdefault(key, len(positions) + 1) for key in keys]
        names = list(positions)
    millis: str | None = None
    stamps: list[datetime] | None = None
    one_time: datetime | None = None
    if batch.epoch_ms is not None:
        millis = array_literal(batch.epoch_ms)
    elif batch.timestamps.count(batch.timestamps[0]) == len(batch.timestamps):
        one_time = batch.timestamps[0]  # e.g. no timestamps sent: all got the same
    else:
        stamps = batch.timestamps
    level1 = level1_columns(index, batch.steps, batch.values)  # $10-$19, then $25-$26
    return [
        experiment_id,
        names,
        None if index is None else array_literal(index),
        array_literal(batch.steps),
        values_literal(batch.values),
        millis,
        stamps,
        one_time,
        now,
        *level1[:10],
        *actor_params(actor),
        *sums_columns(batch),
        *level1[10:],
    ]


async def write_batch(
    session: AsyncSession, experiment_id: uuid.UUID, batch: MetricBatch, now: datetime, actor: User
) -> int | None:
    """Summaries, points and rollups of one batch and the experiment's touch, in one
    statement (``WRITE_BATCH``): the batch's sequence number, or None (nothing written)
    when the experiment is not RUNNING or ``actor`` may not act on it."""
    args = write_batch_args(experiment_id, batch, now, actor)
    seq = await (await driver(session)).fetchval(WRITE_BATCH, *args)
    return None if seq is None else int(seq)


async def write_batch_alone(
    connection: Any, experiment_id: uuid.UUID, batch: MetricBatch, now: datetime, actor: User
) -> int | None:
    """``write_batch`` as a statement of its own on an asyncpg ``connection`` outside any
    transaction (``WRITE_BATCH_ALONE``): committed when it returns a sequence number;
    None when refused, with nothing written."""
    args = write_batch_args(experiment_id, batch, now, actor)
    try:
        seq = await connection.fetchval(WRITE_BATCH_ALONE, *args)
    except asyncpg.RaiseError as error:
        if getattr(error, "hint", None) != REFUSED_HINT:
            raise
        return None
    return None if seq is None else int(seq)
