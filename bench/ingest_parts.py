"""Where a metric batch's PostgreSQL time goes: the one-statement write
(``app.metrics.pg_store.WRITE_BATCH_ALONE``) of ``--batch``-point batches, whole and with
one part left out, against binary COPY and a plain ``INSERT … unnest`` of the same points
as rows of a table shaped like ``metric_points`` (same columns, same index).

Each variant is the same statement with one part made to write nothing (its ``FROM`` given
a ``WHERE false``, which PostgreSQL plans away): a part's cost is the whole's minus the
variant's. The variants take turns,
``--rounds`` rounds of ``--batches`` batches each after a warm-up, one connection, the
parameters built by the service's own ``pg_store.write_batch_args``; the table gives each
variant's median over the rounds of the PostgreSQL backend's CPU per batch
(``/proc/<pid>/stat``, 10 ms ticks) and the wall time per batch. Run from the repository root:

    .venv/bin/python bench/ingest_parts.py
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    add_database_args,
    in_process_user,
    machine_line,
    sqlalchemy_url,
    throwaway_database,
)

from app.config import Settings
from app.metrics import pg_store
from app.metrics.batch import MetricBatch
from app.migrate import upgrade
from app.models import User
from app.models.enums import Role
from app.services import Services
from tests.builders import create_hypothesis, create_running

BASE_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z
PLAIN_TABLE = "bench_plain_points"


def _without(sql: str, old: str, new: str) -> str:
    """``sql`` with ``old`` made ``new``; fails if the statement no longer holds ``old``
    (the write changed: this bench must follow it)."""
    if sql.count(old) != 1:
        raise SystemExit(f"WRITE_BATCH_ALONE changed: {old!r} is not in it once")
    return sql.replace(old, new)


_ROLLUPS_FROM = "FROM levels r JOIN ids ON ids.k = r.k, x, t\n"
_CHUNKS_FROM = "FROM level1 l JOIN ids ON ids.k = l.k, g\n"
_LEVELS = "generate_series(1, 8)"


def _nothing_from(sql: str, from_: str) -> str:
    return _without(sql, from_, from_.rstrip() + " WHERE false\n")


def variants() -> dict[str, str]:
    whole = pg_store.WRITE_BATCH_ALONE
    no_points = _nothing_from(whole, _CHUNKS_FROM)
    return {
        "whole write": whole,
        "without the points": no_points,
        "rollups of level 1 only": _without(whole, _LEVELS, "generate_series(1, 1)"),
        "neither points nor rollups": _nothing_from(no_points, _ROLLUPS_FROM),
    }


def backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Batches:
    """Batches of one key at a time (``keys`` in turn), each key's steps rising."""

    def __init__(self, size: int, keys: int) -> None:
        self.size, self.keys = size, keys
        self.next_step = [0] * keys
        self.turn = 0
        self.random = random.Random(7)

    def next(self) -> tuple[str, list[int], list[float], list[int]]:
        key = self.turn % self.keys
        self.turn += 1
        first = self.next_step[key]
        self.next_step[key] += self.size
        steps = list(range(first, first + self.size))
        values = [self.random.random() for _ in steps]
        return f"metric-{key}", steps, values, [BASE_MS + step for step in steps]


async def prepare(url: str) -> tuple[uuid.UUID, User]:
    """A running experiment and its owner in a migrated database (``url``: SQLAlchemy's)."""
    settings = Settings(database_url=url, log_level="WARNING", redis_url="")
    services = Services.from_settings(settings)
    try:
        owner, _ = await in_process_user(services, Role.ADMIN)
        hypothesis = await create_hypothesis(services, owner, title="ingest parts")
        experiment = await create_running(services, owner, hypothesis)
        return experiment.id, owner
    finally:
        await services.close()


async def measure(dsn: str, args: argparse.Namespace) -> None:
    experiment_id, owner = await prepare(sqlalchemy_url(dsn))
    connection = await asyncpg.connect(dsn)
    await connection.execute(
        f"CREATE TABLE {PLAIN_TABLE} (series_id int8 NOT NULL, step int8 NOT NULL, "
        'value float8, "timestamp" timestamptz NOT NULL);'
        f"CREATE INDEX ON {PLAIN_TABLE} (series_id, step)"
    )
    pid = await connection.fetchval("SELECT pg_backend_pid()")
    batches = Batches(args.batch, args.keys)
    plain_series = 0

    def write(sql: str) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            key, steps, values, millis = batches.next()
            batch = MetricBatch([key] * len(steps), steps, values, epoch_ms=millis)
            now = datetime.now(UTC)
            args_ = pg_store.write_batch_args(experiment_id, batch, now, owner)
            if await connection.fetchval(sql, *args_) is None:
                raise SystemExit("the write was refused")

        return run

    def next_plain() -> tuple[int, list[int], list[float], list[int]]:
        """The next batch's points, under a series number of their own."""
        nonlocal plain_series
        plain_series += 1
        _, steps, values, millis = batches.next()
        return plain_series, steps, values, millis

    async def copy() -> None:
        series, steps, values, millis = next_plain()
        records = [
            (series, step, value, datetime.fromtimestamp(ms / 1000, UTC))
            for step, value, ms in zip(steps, values, millis, strict=True)
        ]
        await connection.copy_records_to_table(PLAIN_TABLE, records=records)

    async def insert() -> None:
        series, steps, values, millis = next_plain()
        await connection.execute(
            f"INSERT INTO {PLAIN_TABLE} SELECT $1, u.step, u.value,"
            " 'epoch'::timestamptz + u.ms * interval '1 millisecond'"
            " FROM unnest($2::text::int8[], $3::text::float8[], $4::text::int8[])"
            " AS u(step, value, ms)",
            series,
            pg_store.array_literal(steps),
            pg_store.values_literal(values),
            pg_store.array_literal(millis),
        )

    runs: dict[str, Callable[[], Awaitable[None]]] = {
        name: write(sql) for name, sql in variants().items()
    }
    runs["points alone: binary COPY"] = copy
    runs["points alone: INSERT … unnest"] = insert
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    wall: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(args.warmup):
        for run in runs.values():
            await run()
    for round_ in range(args.rounds):
        order = list(runs.items())
        if round_ % 2:
            order.reverse()
        for name, run in order:
            started_cpu, started = backend_cpu(pid), time.perf_counter()
            for _ in range(args.batches):
                await run()
            wall[name].append((time.perf_counter() - started) * 1000 / args.batches)
            cpu[name].append((backend_cpu(pid) - started_cpu) * 1000 / args.batches)
    await connection.close()
    print(
        f"== ingest parts (PostgreSQL): {args.batch}-point batches of one key ({args.keys} keys"
        f" in turn), {args.rounds} rounds of {args.batches} batches a variant after"
        f" {args.warmup} warm-up batches each; {machine_line()}"
    )
    print(f"{'variant':34} {'PG CPU ms/batch':>16} {'wall ms/batch':>14}")
    medians = {name: statistics.median(cpu[name]) for name in runs}
    for name in runs:
        print(f"{name:34} {medians[name]:16.2f} {statistics.median(wall[name]):14.2f}")
    whole = medians["whole write"]
    print(
        f"parts of the whole write: points {whole - medians['without the points']:.2f}, "
        f"rollups {medians['without the points'] - medians['neither points nor rollups']:.2f}"
        f" (levels 2-8: {whole - medians['rollups of level 1 only']:.2f}), the rest (summary,"
        f" touch, parsing, commit) {medians['neither points nor rollups']:.2f} ms of"
        " PostgreSQL CPU"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", type=int, default=1000, help="points per batch")
    parser.add_argument("--keys", type=int, default=4, help="metric keys, one per batch")
    parser.add_argument("--batches", type=int, default=200, help="batches a variant a round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=30, help="warm-up batches a variant")
    add_database_args(parser)
    args = parser.parse_args()
    with throwaway_database(args.pg_server_url, args.database_url, "expsvc_parts") as dsn:
        upgrade(sqlalchemy_url(dsn))
        asyncio.run(measure(dsn, args))


if __name__ == "__main__":
    main()
