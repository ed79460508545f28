"""One metric's history: a series of ``--points`` points, read downsampled to 1,000.

The series is loaded through the service's REST batch endpoint (``--load-batch``-point
columnar batches, which also exercises ingestion and builds the rollups the reads use).
Then each read is repeated ``--repeat`` times (after a short warm-up), four ways:

* ``series_of``: ``app.metrics.service.series_of`` called in this process against the
  same database (without HTTP or auth);
* ``cold``: the same with the kept answers (``app.metrics.batched.ANSWERS``) dropped
  before each read: the database and downsampling cost. The other paths repeat one read
  of an unchanging series, so after the first they are answered from the kept answers;
* ``REST``: ``GET /api/v1/experiments/{id}/metrics?key=…&max_points=…`` end to end;
* ``GraphQL``: ``experiment(id) { metric(key, maxPoints) { … } }`` end to end.

Reads: the whole series downsampled to 1,000; a sub-range in the middle (20 % of the
series) downsampled to 1,000; a raw window of 1,000 consecutive points of the long series;
and a whole short series of 1,000 points (returned as stored). Run from the repository root:

    .tools/bin/uv run python bench/history.py
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import (
    Service,
    add_database_args,
    machine_line,
    percentile,
    running_experiment,
    sqlalchemy_url,
    throwaway_database,
)

from app.db import Database
from app.metrics.batched import ANSWERS
from app.metrics.service import series_of

LONG_KEY = "train/loss"
SHORT_KEY = "eval/loss"
BASE_MS = 1_767_225_600_000

GRAPHQL = """
query($id: ID!, $key: String!, $max: Int!, $from: BigInt, $to: BigInt) {
  experiment(id: $id) {
    metric(key: $key, maxPoints: $max, stepFrom: $from, stepTo: $to) {
      totalPoints downsampled points { step value timestamp }
    }
  }
}
"""


@dataclass(frozen=True)
class Case:
    name: str
    key: str
    max_points: int
    step_from: int | None = None
    step_to: int | None = None


@dataclass
class Timing:
    case: str
    path: str
    samples: list[float]
    returned: int
    total: int
    downsampled: bool

    def row(self) -> str:
        p50 = percentile(self.samples, 50) * 1000
        p95 = percentile(self.samples, 95) * 1000
        return (
            f"{self.case:<34} {self.path:<9} {p50:>8.1f} {p95:>8.1f} {self.returned:>9,}"
            f" {self.total:>11,} {'yes' if self.downsampled else 'no':>5}"
        )


HEADER = (
    f"{'read':<34} {'path':<9} {'p50 ms':>8} {'p95 ms':>8} {'returned':>9}"
    f" {'total_points':>11} {'down':>5}"
)


def cases(points: int) -> list[Case]:
    middle = points // 2
    fifth = points // 10
    return [
        Case(f"whole {points:,} -> 1,000", LONG_KEY, 1000),
        Case(
            f"steps {middle - fifth:,}-{middle + fifth - 1:,} -> 1,000",
            LONG_KEY,
            1000,
            middle - fifth,
            middle + fifth - 1,
        ),
        Case(f"raw window {middle:,}-{middle + 999:,}", LONG_KEY, 1000, middle, middle + 999),
        Case("raw whole short series (1,000)", SHORT_KEY, 1000),
    ]


async def load(
    client: httpx.AsyncClient, experiment: str, points: int, size: int, senders: int
) -> float:
    def body(key: str, first: int, count: int) -> bytes:
        steps = list(range(first, first + count))
        return orjson.dumps(
            {
                "key": key,
                "steps": steps,
                "values": [1.0 / (1 + s) + (s % 97) * 1e-4 for s in steps],
                "timestamps": [BASE_MS + s * 10 for s in steps],
            }
        )

    starts = iter(range(0, points, size))
    url = f"/api/v1/experiments/{experiment}/metrics/batch"
    headers = {"content-type": "application/json"}

    async def sender() -> None:
        for first in starts:
            content = body(LONG_KEY, first, min(size, points - first))
            answer = await client.post(url, content=content, headers=headers)
            if answer.status_code != 202:
                raise RuntimeError(f"batch refused: {answer.status_code} {answer.text[:300]}")

    began = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(senders)))
    seconds = time.perf_counter() - began
    answer = await client.post(url, content=body(SHORT_KEY, 0, 1000), headers=headers)
    answer.raise_for_status()
    return seconds


async def timed(
    repeat: int, warmup: int, read: Callable[[], Awaitable[tuple[int, int, bool]]]
) -> tuple[list[float], tuple[int, int, bool]]:
    for _ in range(warmup):
        shape = await read()
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        shape = await read()
        samples.append(time.perf_counter() - began)
    return samples, shape


async def measure(
    service: Service, dsn: str, args: argparse.Namespace
) -> tuple[float, list[Timing], float]:
    timings: list[Timing] = []
    async with service.client(timeout=120) as client:
        experiment = await running_experiment(client, "history")
        print(f"loading {args.points:,} points in {args.load_batch:,}-point REST batches …")
        seconds = await load(client, experiment, args.points, args.load_batch, args.load_clients)
        print(f"loaded in {seconds:.1f} s ({args.points / seconds:,.0f} points/s)")
        assert service.rss is not None
        service.rss.reset()
        db = Database(sqlalchemy_url(dsn))
        experiment_id = uuid.UUID(experiment)
        try:
            for case in cases(args.points):

                async def in_process(case: Case = case) -> tuple[int, int, bool]:
                    async with db.reader() as session:
                        series = await series_of(
                            session,
                            experiment_id=experiment_id,
                            key=case.key,
                            max_points=case.max_points,
                            step_from=case.step_from,
                            step_to=case.step_to,
                        )
                    return len(series.points), series.total_points, series.downsampled

                async def rest(case: Case = case) -> tuple[int, int, bool]:
                    params: dict[str, Any] = {"key": case.key, "max_points": case.max_points}
                    if case.step_from is not None:
                        params["step_from"] = case.step_from
                    if case.step_to is not None:
                        params["step_to"] = case.step_to
                    answer = await client.get(
                        f"/api/v1/experiments/{experiment}/metrics", params=params
                    )
                    answer.raise_for_status()
                    body = orjson.loads(answer.content)
                    return len(body["points"]), body["total_points"], body["downsampled"]

                async def graphql(case: Case = case) -> tuple[int, int, bool]:
                    variables = {
                        "id": experiment,
                        "key": case.key,
                        "max": case.max_points,
                        "from": case.step_from,
                        "to": case.step_to,
                    }
                    answer = await client.post(
                        "/graphql", json={"query": GRAPHQL, "variables": variables}
                    )
                    answer.raise_for_status()
                    body = orjson.loads(answer.content)
                    if body.get("errors"):
                        raise RuntimeError(body["errors"])
                    metric = body["data"]["experiment"]["metric"]
                    total = int(metric["totalPoints"])
                    return len(metric["points"]), total, metric["downsampled"]

                async def cold(case: Case = case) -> tuple[int, int, bool]:
                    ANSWERS.clear()
                    return await in_process(case)

                paths: list[tuple[str, Callable[[], Awaitable[tuple[int, int, bool]]]]] = [
                    ("series_of", in_process),
                    ("cold", cold),
                    ("REST", rest),
                    ("GraphQL", graphql),
                ]
                for path, read in paths:
                    samples, shape = await timed(args.repeat, args.warmup, read)
                    timing = Timing(case.name, path, samples, *shape)
                    timings.append(timing)
                    print(timing.row())
        finally:
            await db.dispose()
    return seconds, timings, service.rss.peak_mb


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=50, help="timed reads per case and path")
    parser.add_argument("--warmup", type=int, default=3, help="untimed reads first")
    parser.add_argument("--load-batch", type=int, default=10_000, help="points per REST batch")
    parser.add_argument("--load-clients", type=int, default=2, help="concurrent loaders")
    parser.add_argument("--timeout", type=float, default=900, help="bound of the run (s)")
    add_database_args(parser)
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    with throwaway_database(args.pg_server_url, args.database_url) as dsn, Service(dsn) as service:
        print(f"service up at {service.base_url}")
        print(HEADER)
        seconds, timings, rss = asyncio.run(
            asyncio.wait_for(measure(service, dsn, args), args.timeout)
        )
        hwm = service.rss.hwm_mb() if service.rss else 0.0
    print()
    print(
        f"== history: one series of {args.points:,} points (loaded over REST in "
        f"{args.load_batch:,}-point batches, {args.load_clients} senders: {seconds:.1f} s, "
        f"{args.points / seconds:,.0f} points/s); {args.repeat} timed reads each after "
        f"{args.warmup} warm-up; {machine_line()}"
    )
    print(HEADER)
    for timing in timings:
        print(timing.row())
    whole = next(t for t in timings if t.path == "cold")
    rest = next(t for t in timings if t.path == "REST")
    print(
        f"target p50 <= 50 ms for 1,000,000 -> 1,000 (this run: {args.points:,}): cold "
        f"(in-process, nothing kept) {percentile(whole.samples, 50) * 1000:.1f} ms, REST "
        f"{percentile(rest.samples, 50) * 1000:.1f} ms"
    )
    print(
        f"server RSS: peak {rss:.0f} MB while reading (VmRSS every 100 ms), "
        f"VmHWM since start (includes loading) {hwm:.0f} MB   (target <= 300 MB)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
