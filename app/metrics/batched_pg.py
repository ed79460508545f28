"""The PostgreSQL statements of ``app.metrics.batched_sql``.

Each range is read by a ``LATERAL`` subquery: an index scan of that one series, whatever
the planner guesses about the ranges (a plain join over ``unnest`` can turn into a hash
join over the whole points table). The statements that feed downsampling group inside
the subquery and return one row per output bucket, so Python handles a few rows per bucket
instead of every point or rollup row.

Downsampling is one statement, ``POINTS``: the PostgreSQL form of the rules of
``app.metrics.rules`` (the bucketing of a read and ``bucket_extremes``). Per request: the
rollup rows in between the two unaligned edges, the edges from level-1 rollups and raw
points, grouped by output bucket, each bucket's lowest and highest point picked with
``DISTINCT ON``. Measured on 150 series of 100,000 points (58,500 rollup rows): ~55 ms for
the buckets, against ~90 ms for ``min(ARRAY[value, step, µs])`` (which needs the time as a
number) and ~150 ms for ``array_agg(… ORDER BY …)[1]``; ``POINTS`` over the same series went
from ~98 to ~78 ms (``EXPLAIN ANALYZE``) once the edges came from level 1 (550 → 415 rows
per series).
"""

from __future__ import annotations

from sqlalchemy import text

from app.metrics.pg_store import finite_sql
from app.metrics.rules import LEVEL_SHIFT, level_width


def stored_points(series: str, lo: str, hi: str) -> str:
    """The stored points of series ``series`` with steps ``lo``..``hi`` (SQL expressions), as
    a subquery of rows (step, value, ts) from the chunks of the level-1 buckets in between
    (a NaN value is NaN). ``IN_ORDER`` orders them."""
    return f"""(
    SELECT u.step, u.value, u.ts
      FROM metric_chunks c
           CROSS JOIN LATERAL unnest(c.steps, c.vals, c.times) AS u(step, value, ts)
     WHERE c.series_id = {series}
       AND c.bucket BETWEEN ({lo}) >> {LEVEL_SHIFT} AND ({hi}) >> {LEVEL_SHIFT}
       AND u.step BETWEEN {lo} AND {hi})"""


# The order of stored points (``stored_points``' rows), as SQLite's reads give them: by step,
# a step's points by time, then value
IN_ORDER = "step, ts, value"

# The columns of one downsampling request: its number, a ``Bucketing`` (its ``width`` the
# grouping width) and the rollup width
REQUEST_COLUMNS = ("i", "s", "lo", "e1", "e2", "hi", "width", "level", "first", "last", "rollup")

# Neither NaN nor an infinity: what min and max count
_FINITE = finite_sql("p.value")

# The start of ``POINTS``: the requests (one row each, the columns above), and per
# request (a LATERAL subquery: index scans of one series) ``u``, as (output bucket, count,
# lowest and highest point): the rollup rows of the request's level in between the two
# unaligned edges, and the edges themselves — from level 1's rollups where they cover
# whole level-1 buckets (when the level is 2 or more; an output bucket is then a multiple
# of the level-1 width), raw points for the rest (fewer than ``_L1`` at each end) — and
# ``l`` / ``h``, each output bucket's lowest and highest point (equal values go to the
# earliest step, as ``Aggregate`` does; DISTINCT ON sorts a few hundred rows per series).
# Reading an edge of 160 points as 10 rollup rows cuts the rows per series by about a
# quarter. ``POINTS`` goes on from there.
_L1 = level_width(1)


def _point_rows(lo: str, hi: str) -> str:
    return f"""p.step / r.width, 1::bigint, p.value, p.step, p.ts,
           p.value, p.step, p.ts, {_FINITE}, {_FINITE}
      FROM {stored_points("r.s", lo, hi)} AS p"""


_ROLLUP_ROW = """m.count, m.min_value, m.min_step, m.min_timestamp,
           m.max_value, m.max_step, m.max_timestamp, m.min_value IS NOT NULL,
           m.max_value IS NOT NULL
      FROM metric_rollups m"""
# The raw edges: up to the first whole level-1 bucket, from the last whole one (at level 1,
# the edges themselves)
_LEFT_EDGE_END = (
    f"CASE WHEN r.level >= 2 THEN least(r.e1, (r.lo + {_L1 - 1}) / {_L1} * {_L1} - 1) ELSE r.e1 END"
)
_RIGHT_EDGE_START = (
    f"CASE WHEN r.level >= 2 THEN greatest(r.e2, (r.hi + 1) / {_L1} * {_L1}) ELSE r.e2 END"
)
_PER_REQUEST = f"""
FROM unnest({", ".join(f"CAST(:{name} AS BIGINT[])" for name in REQUEST_COLUMNS)})
     AS r({", ".join(REQUEST_COLUMNS)})
CROSS JOIN LATERAL (
  WITH u (idx, n, lv, ls, lt, hv, hs, ht, has_l, has_h) AS (
    SELECT {_point_rows("r.lo", _LEFT_EDGE_END)}
    UNION ALL
    SELECT m.bucket * {_L1} / r.width, {_ROLLUP_ROW}
     WHERE r.level >= 2 AND m.series_id = r.s AND m.level = 1
       AND m.bucket BETWEEN (r.lo + {_L1 - 1}) / {_L1} AND (r.e1 + 1) / {_L1} - 1
    UNION ALL
    SELECT m.bucket * r.rollup / r.width, {_ROLLUP_ROW}
     WHERE m.series_id = r.s AND m.level = r.level AND m.bucket BETWEEN r.first AND r.last
    UNION ALL
    SELECT m.bucket * {_L1} / r.width, {_ROLLUP_ROW}
     WHERE r.level >= 2 AND m.series_id = r.s AND m.level = 1
       AND m.bucket BETWEEN r.e2 / {_L1} AND (r.hi + 1) / {_L1} - 1
    UNION ALL
    SELECT {_point_rows(_RIGHT_EDGE_START, "r.hi")}
  ),
  l AS (SELECT DISTINCT ON (idx) idx, lv, ls, lt FROM u WHERE has_l ORDER BY idx, lv, ls),
  h AS (SELECT DISTINCT ON (idx) idx, hv, hs, ht FROM u WHERE has_h ORDER BY idx, hv DESC, hs)"""


# The chunks that hold each range's points (``i``, series ``s``, steps ``lo``..``hi``): the
# range's rows in bucket order, each its three arrays as stored; the caller trims the edge
# chunks and orders the points (``batched_sql.pg_raw_points``). Concatenating arrays in Python
# costs less than PostgreSQL unnesting, sorting and re-aggregating them (a 1,000-point range
# of 63 chunks: ~0.45 ms of the statement).
RAW = text(f"""SELECT r.i, c.steps, c.vals, c.times
FROM unnest(CAST(:i AS BIGINT[]), CAST(:s AS BIGINT[]), CAST(:lo AS BIGINT[]),
            CAST(:hi AS BIGINT[])) AS r(i, s, lo, hi)
JOIN metric_chunks c
  ON c.series_id = r.s AND c.bucket BETWEEN r.lo >> {LEVEL_SHIFT} AND r.hi >> {LEVEL_SHIFT}
ORDER BY r.i, c.bucket""")

# The last stored point at or before each range's end (``hi``; of its step's points the last
# in ``IN_ORDER``): in the chunks of ``hi``'s level-1 bucket, or else of the highest bucket
# below it that has any (every point there is before ``hi``)
_REVERSED = ", ".join(f"{column} DESC" for column in IN_ORDER.split(", "))
LAST = text(f"""SELECT r.i, p.step, p.value, p.ts
FROM unnest(CAST(:i AS BIGINT[]), CAST(:s AS BIGINT[]), CAST(:hi AS BIGINT[])) AS r(i, s, hi)
CROSS JOIN LATERAL (
  SELECT u.step, u.value, u.ts
    FROM metric_chunks c
         CROSS JOIN LATERAL unnest(c.steps, c.vals, c.times) AS u(step, value, ts)
   WHERE c.series_id = r.s AND u.step <= r.hi
     AND c.bucket = ANY (ARRAY[r.hi >> {LEVEL_SHIFT},
                               (SELECT max(b.bucket) FROM metric_chunks b
                                 WHERE b.series_id = r.s AND b.bucket < r.hi >> {LEVEL_SHIFT})])
   ORDER BY {_REVERSED} LIMIT 1
) p""")

# A page of one series' points from ``lo`` on (``need``: the page's end, its ``skip`` and
# ``limit``), in ``IN_ORDER``: only the chunks of the buckets up to the first where the
# level-1 rollups' counts after ``lo``'s bucket reach ``need`` are read
PAGE = text(f"""WITH bound AS (
  SELECT c.bucket FROM (
    SELECT m.bucket, sum(m.count) OVER (ORDER BY m.bucket) AS total FROM metric_rollups m
     WHERE m.series_id = :s AND m.level = 1 AND m.bucket > CAST(:lo AS BIGINT) >> {LEVEL_SHIFT}
  ) c WHERE c.total >= CAST(:need AS BIGINT) ORDER BY c.bucket LIMIT 1
)
SELECT p.step, p.value, p.ts
FROM {
    stored_points(
        ":s",
        "CAST(:lo AS BIGINT)",
        f"COALESCE(((SELECT bucket FROM bound) + 1) * {_L1} - 1, 9223372036854775807)",
    )
} AS p
ORDER BY {IN_ORDER} OFFSET :skip LIMIT :limit""")


# Requests (``REQUEST_COLUMNS``, whose ``width`` is here the grouping width:
# ``hi + 1`` puts every point in one bucket, for reads of fewer than 5 points), answered as
# one row per request: the number of points in the range, and ``rules.bucket_extremes``
# of its buckets — each bucket's lowest and highest point (one when they
# are the same point), buckets in order, in a bucket by step, the lowest first on equal
# steps — as three arrays. Python then only cuts at the last point and builds the points.
POINTS = text(
    "SELECT r.i, g.total, g.steps, g.vals, g.stamps"
    + _PER_REQUEST
    + """,
  x AS (SELECT * FROM l JOIN h USING (idx)),
  e AS (
    SELECT idx, ls AS s, 0 AS k, lv AS v, lt AS t FROM x
    UNION ALL
    SELECT idx, hs, 1, hv, ht FROM x WHERE NOT (hs = ls AND hv = lv)
  )
  -- one sort for the three arrays: PostgreSQL aggregates a sorted subquery's rows in
  -- their order (tests/metrics/test_sql_buckets.py holds the arrays to the Python path)
  SELECT (SELECT coalesce(sum(n), 0) FROM u)::bigint AS total,
         array_agg(o.s) AS steps, array_agg(o.v) AS vals, array_agg(o.t) AS stamps
    FROM (SELECT s, v, t FROM e ORDER BY idx, s, k) o
) g
"""
)
