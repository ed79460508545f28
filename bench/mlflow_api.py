"""The MLflow-compatible API (issue #15) against MLflow's own tracking server, in one run.

Per backend kind (``--backend sqlite|postgres|both``), ``expsvc serve`` and a real
``mlflow server`` (through uvx, ``bench/common.py``'s ``MlflowServer``) run side by side on
the same kind of store: SQLite files, or a fresh PostgreSQL database each (created on
127.0.0.1:5432 and dropped at the end). MLflow runs with one uvicorn worker (the load is
one request at a time) and its job execution off (see ``servers``). Two phases:

``log-batch``
    ``runs/log-batch`` requests of 1,000 metrics each (MLflow's per-call limit):
    ``--keys`` keys with consecutive steps, epoch-millisecond timestamps. Four sides, each
    on a run of its own, take turns request by request (the order rotating every round):
    the JSON body posted with aiohttp (encoded before the clock starts) to MLflow and to
    expsvc, and ``MlflowClient().log_batch`` (mlflow-skinny, in a worker thread, as a
    training script's async code would call it) to each. Warm-up: rounds until every side
    is steady — at least ``--warmup`` rounds, then until the median of each side's last 3
    requests is within 20 % of the median of its 3 before (at most ``--max-warmup``
    rounds). Then ``--batches`` timed rounds: per-request p50/p95, metrics/s (metrics over
    the summed request time), CPU per request of the server (its process group; on
    PostgreSQL with its database's backends) and of this process, and ours/MLflow.
``search``
    ``--runs`` runs seeded in one MLflow experiment on expsvc through its MLflow API
    (``runs/create`` with tags, then one ``runs/log-batch`` with metrics and params;
    ``--seed-concurrency`` at a time, every backend's server at once), then
    ``runs/search`` with a metric filter, and with a param and metric filter ordered by a
    metric, at ``max_results`` 100 and 1,000 (the default of ``MlflowClient.search_runs``):
    the calls take turns, 5 warm-up rounds, then ``--search-calls`` timed rounds, p50/p95
    per call, each answer's runs checked against the seeded data (on PostgreSQL after an
    ``ANALYZE``, as autovacuum would make; ``--no-analyze`` skips it); also
    ``MlflowClient.search_runs`` end to end (the client's parsing included).
    ``--mlflow-search`` seeds MLflow's server with the same runs and times it too.

Run from the repository root. The default run takes ~15 minutes on 2 shared cores, ~2 of
them log-batch and most of the rest seeding 10,000 runs per backend (~30 runs/s)::

    .venv/bin/python bench/mlflow_api.py
    .venv/bin/python bench/mlflow_api.py --phases log-batch --batches 60
    .venv/bin/python bench/mlflow_api.py --phases search --runs 2000 --mlflow-search
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import httpx
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    MLFLOW_VERSION,
    MlflowServer,
    Service,
    add_database_args,
    machine_line,
    mlflow_run,
    percentile,
    throwaway_database,
)
from ingest import backend_pids, process_cpu

BATCH = 1000  # MLflow's limit of metrics per log-batch call
PREFIX = "/api/2.0/mlflow"
TICK = os.sysconf("SC_CLK_TCK")


# --- the servers ----------------------------------------------------------------------------


def group_pids(pgid: int) -> list[int]:
    """The processes of a process group."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(stat[2]) == pgid:
                    found.append(int(entry.name))
    return found


@dataclass
class Server:
    """One tracking server as the bench sees it: where it is, how to authenticate, and
    what to count as its CPU (its process group, and its PostgreSQL backends)."""

    name: str
    url: str
    pgid: int
    token: str = ""
    dsn: str | None = None
    pids: list[int] = field(default_factory=list)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, headers=self.headers, timeout=120)

    def session(self, connections: int = 1) -> aiohttp.ClientSession:
        return aiohttp.ClientSession(
            base_url=self.url,
            headers={**self.headers, "Content-Type": "application/json"},
            # below uvicorn's 5 s keep-alive, so an idle connection is never reused just
            # as the server closes it
            connector=aiohttp.TCPConnector(limit=connections, keepalive_timeout=3),
            timeout=aiohttp.ClientTimeout(total=120),
        )

    async def find_pids(self) -> None:
        """The server's processes (uvx, mlflow, its workers share one process group) and,
        on PostgreSQL, the backends connected to its database. Taken after the warm-up,
        when the pools are open."""
        database = await backend_pids(self.dsn) if self.dsn else set()
        self.pids = group_pids(self.pgid) + sorted(database)

    def cpu(self) -> float:
        return sum(process_cpu(pid) for pid in self.pids)


async def post(session: aiohttp.ClientSession, path: str, body: bytes) -> bytes:
    async with session.post(PREFIX + path, data=body) as answer:
        content = await answer.read()
        if answer.status != 200:
            raise RuntimeError(f"{path}: {answer.status} {content[:500]!r}")
        return content


def mlflow_store(dsn: str | None) -> str:
    """MLflow's ``--backend-store-uri``: its psycopg2 driver named (SQLAlchemy 2.1 takes
    psycopg 3 for a bare ``postgresql://``), or SQLite in its working folder."""
    if dsn is None:
        return "sqlite:///mlflow.db"
    return "postgresql+psycopg2://" + dsn.split("://", 1)[1]


@contextlib.contextmanager
def servers(kind: str, args: argparse.Namespace, mlflow: bool) -> Iterator[list[Server]]:
    """expsvc (and MLflow when ``mlflow``) on ``kind``'s store; [ours, mlflow]."""
    with contextlib.ExitStack() as stack:
        ours_dsn = mlflow_dsn = None
        if kind == "postgres":
            ours_dsn = stack.enter_context(
                throwaway_database(args.pg_server_url, args.database_url)
            )
            if mlflow:
                mlflow_dsn = stack.enter_context(
                    throwaway_database(args.pg_server_url, prefix="mlflow_bench")
                )
        # seeding creates runs faster than a token's default allowance of mutations (6,000 a
        # minute) on a quicker machine; and each seeded run holds 1 CPU core and 4 GB while
        # it runs (they are never ended), more than the default pools' 512 cores hold
        service = stack.enter_context(
            Service(
                database_url=ours_dsn or "",
                extra_env={
                    "EXPSVC_RATE_LIMIT_MUTATIONS_PER_MINUTE": "0",
                },
            )
        )
        assert service.process is not None
        found = [Server("expsvc", service.base_url, service.process.pid, service.token, ours_dsn)]
        if mlflow:
            if not args.mlflow_jobs:
                # MLflow 3's job execution (GenAI jobs: a runner and ~9 huey consumers)
                # polls its store all the time, about half a core of this machine while
                # idle; nothing of it serves tracking
                os.environ["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] = "false"
            began = time.monotonic()
            mlflow_server = stack.enter_context(
                MlflowServer(backend_uri=mlflow_store(mlflow_dsn), workers=args.mlflow_workers)
            )
            assert mlflow_server.server is not None and mlflow_server.server.process is not None
            print(f"(mlflow server {MLFLOW_VERSION} up in {time.monotonic() - began:.0f} s)")
            found.append(
                Server(
                    f"MLflow {MLFLOW_VERSION}",
                    mlflow_server.base_url,
                    mlflow_server.server.process.pid,
                    dsn=mlflow_dsn,
                )
            )
        yield found


# --- log-batch ------------------------------------------------------------------------------


def round_metrics(round_no: int, keys: int) -> list[dict[str, Any]]:
    """Round ``round_no``'s 1,000 metrics: ``keys`` keys, each its next consecutive steps."""
    per_key = BATCH // keys
    now = int(time.time() * 1000)
    return [
        {
            "key": f"train/metric_{k}",
            "value": 1.0 / (1 + step) + k * 0.01,
            "timestamp": now + i,
            "step": step,
        }
        for k in range(keys)
        for i, step in enumerate(range(round_no * per_key, (round_no + 1) * per_key))
    ]


@dataclass
class Side:
    """A way of sending round ``n``'s metrics to one run: ``prepare`` builds the request
    (outside the clock), ``send`` sends it."""

    name: str
    server: Server
    prepare: Callable[[list[dict[str, Any]]], Any]
    send: Callable[[Any], Awaitable[None]]
    seconds: list[float] = field(default_factory=list)
    server_cpu: list[float] = field(default_factory=list)
    client_cpu: list[float] = field(default_factory=list)

    def line(self) -> str:
        def mean_ms(values: list[float]) -> float:
            return sum(values) / len(values) * 1000 if values else 0.0

        return (
            f"{self.name:<40} {self.p50 * 1000:7.1f} {percentile(self.seconds, 95) * 1000:7.1f}"
            f" {self.rate:10,.0f} {mean_ms(self.server_cpu):7.1f} {mean_ms(self.client_cpu):7.1f}"
        )

    @property
    def p50(self) -> float:
        return percentile(self.seconds, 50)

    @property
    def rate(self) -> float:
        return len(self.seconds) * BATCH / sum(self.seconds)


def rest_side(name: str, server: Server, session: aiohttp.ClientSession, run_id: str) -> Side:
    def prepare(metrics: list[dict[str, Any]]) -> bytes:
        return orjson.dumps({"run_id": run_id, "metrics": metrics})

    async def send(body: bytes) -> None:
        await post(session, "/runs/log-batch", body)

    return Side(name, server, prepare, send)


def client_side(name: str, server: Server, run_id: str) -> Side:
    from mlflow.entities import Metric
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=server.url)

    def prepare(metrics: list[dict[str, Any]]) -> list[Metric]:
        return [Metric(m["key"], m["value"], m["timestamp"], m["step"]) for m in metrics]

    async def send(entities: list[Metric]) -> None:
        await asyncio.to_thread(client.log_batch, run_id, metrics=entities)

    return Side(name, server, prepare, send)


def steady(seconds: list[float], window: int = 3, tolerance: float = 0.2) -> bool:
    if len(seconds) < 2 * window:
        return False
    last = statistics.median(seconds[-window:])
    before = statistics.median(seconds[-2 * window : -window])
    return abs(last - before) <= tolerance * before


async def play_round(sides: list[Side], round_no: int, keys: int, timed: bool) -> None:
    metrics = round_metrics(round_no, keys)
    shift = round_no % len(sides)
    for side in sides[shift:] + sides[:shift]:
        request = side.prepare(metrics)
        server_cpu = side.server.cpu() if timed else 0.0
        client_cpu = time.process_time()
        began = time.perf_counter()
        await side.send(request)
        side.seconds.append(time.perf_counter() - began)
        if timed:
            side.client_cpu.append(time.process_time() - client_cpu)
            side.server_cpu.append(side.server.cpu() - server_cpu)


async def log_batch_phase(
    kind: str, ours: Server, theirs: Server, args: argparse.Namespace
) -> None:
    import mlflow

    # MlflowClient reads its bearer token per request; MLflow's server ignores it
    os.environ["MLFLOW_TRACKING_TOKEN"] = ours.token
    runs = {}
    for server in (ours, theirs):
        async with server.http() as http:
            runs[server.name] = [await mlflow_run(http) for _ in range(2)]
    async with ours.session() as ours_http, theirs.session() as theirs_http:
        # each side on a run of its own
        sides = [
            rest_side(f"{theirs.name}, REST (aiohttp)", theirs, theirs_http, runs[theirs.name][0]),
            rest_side("expsvc, REST (aiohttp)", ours, ours_http, runs[ours.name][0]),
            client_side(f"{theirs.name}, MlflowClient.log_batch", theirs, runs[theirs.name][1]),
            client_side("expsvc, MlflowClient.log_batch", ours, runs[ours.name][1]),
        ]
        round_no = 0
        began = time.monotonic()
        while round_no < args.max_warmup and (
            round_no < args.warmup or not all(steady(side.seconds) for side in sides)
        ):
            await play_round(sides, round_no, args.keys, timed=False)
            round_no += 1
        warmup = f"{round_no} rounds" + (" (the cap)" if round_no == args.max_warmup else "")
        warm_seconds = time.monotonic() - began
        for side in sides:
            side.seconds.clear()
        for server in (ours, theirs):
            await server.find_pids()
        for _ in range(args.batches):
            await play_round(sides, round_no, args.keys, timed=True)
            round_no += 1
    per_key = BATCH // args.keys
    print(
        f"\n== log-batch, {kind}: {BATCH} metrics per request ({args.keys} keys x {per_key}"
        f" consecutive steps, epoch-ms timestamps), the 4 sides taking turns per request;"
        f" warm-up {warmup}, {warm_seconds:.0f} s (until each side's median of its last"
        f" 3 was within 20 % of the 3 before), then {args.batches} timed rounds;"
        f" MlflowClient = mlflow-skinny {mlflow.__version__} in a worker thread"
    )
    print(
        f"{'':<40} {'p50':>7} {'p95':>7} {'':>10} {'CPU ms per request':>15}\n"
        f"{'side':<40} {'ms':>7} {'ms':>7} {'metrics/s':>10} {'server':>7} {'client':>7}"
    )
    for side in sides:
        print(side.line())
    pairs = (("REST", sides[0], sides[1]), ("MlflowClient", sides[2], sides[3]))
    for name, theirs_side, ours_side in pairs:
        print(
            f"ours/MLflow ({kind}), {name}: {ours_side.rate / theirs_side.rate:.1f}x the"
            f" metrics/s, {theirs_side.p50 / ours_side.p50:.1f}x by p50"
            "   (target >= 5x the throughput on the same backend kind)"
        )
    print(
        "(metrics/s: the requests' metrics over their summed time; server CPU: its processes,"
        " and on PostgreSQL its database's backends; client CPU: this process)"
    )


# --- search ---------------------------------------------------------------------------------

FILTER_ACC = "metrics.acc > 0.9"
FILTER_BOTH = "params.lr = '0.1' and metrics.acc > 0.5"
LRS = ("0.1", "0.01", "0.001")
SEED = 15


@dataclass(frozen=True)
class Case:
    filter: str
    order_by: tuple[str, ...]
    max_results: int
    wants: Callable[[float, str], bool]  # the filter on (acc, lr), to check the answers

    @property
    def name(self) -> str:
        order = f" order by {', '.join(self.order_by)}" if self.order_by else ""
        return f"{self.filter}{order}, max {self.max_results}"


def _acc(acc: float, _lr: str) -> bool:
    return acc > 0.9


def _both(acc: float, lr: str) -> bool:
    return lr == "0.1" and acc > 0.5


CASES = [
    Case(FILTER_ACC, (), 100, _acc),
    Case(FILTER_ACC, (), 1000, _acc),
    Case(FILTER_BOTH, ("metrics.acc DESC",), 100, _both),
    Case(FILTER_BOTH, ("metrics.acc DESC",), 1000, _both),
]


def run_bodies(index: int, rng: random.Random) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``runs/create`` body and the ``runs/log-batch`` body (without run_id) of run
    ``index``: acc uniform in [0, 1), loss, three params, two tags."""
    acc = rng.random()
    now = int(time.time() * 1000)
    create = {
        "run_name": f"run-{index:05d}",
        "start_time": now,
        "tags": [
            {"key": "team", "value": ("vision", "nlp", "speech", "rl")[index % 4]},
            {"key": "seed", "value": str(index % 10)},
        ],
    }
    batch = {
        "metrics": [
            {"key": "acc", "value": acc, "timestamp": now, "step": 0},
            {"key": "loss", "value": 1 - acc + rng.random() * 0.1, "timestamp": now, "step": 0},
        ],
        "params": [
            {"key": "lr", "value": LRS[index % 3]},
            {"key": "batch_size", "value": str(2 ** (5 + index % 4))},
            {"key": "optimizer", "value": ("adam", "sgd")[index % 2]},
        ],
    }
    return create, batch


async def seed(server: Server, count: int, concurrency: int) -> tuple[str, float]:
    """``count`` runs in a new MLflow experiment, ``concurrency`` at a time; its id and the
    seconds it took."""
    async with server.http() as http:
        created = await http.post(
            f"{PREFIX}/experiments/create", json={"name": f"search-{uuid.uuid4().hex[:8]}"}
        )
        created.raise_for_status()
        experiment_id: str = created.json()["experiment_id"]
    rng = random.Random(SEED)
    bodies = [run_bodies(i, rng) for i in range(count)]
    pending = iter(bodies)
    began = time.perf_counter()
    async with server.session(concurrency) as session:

        async def worker() -> None:
            for create, batch in pending:  # one shared iterator: each run made once
                answer = await post(
                    session,
                    "/runs/create",
                    orjson.dumps({**create, "experiment_id": experiment_id}),
                )
                run_id = orjson.loads(answer)["run"]["info"]["run_id"]
                await post(session, "/runs/log-batch", orjson.dumps({**batch, "run_id": run_id}))

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return experiment_id, time.perf_counter() - began


async def serves_search(server: Server) -> bool:
    async with server.http() as http:
        answer = await http.post(f"{PREFIX}/runs/search", json={"experiment_ids": ["0"]})
    return answer.status_code != 404


@dataclass
class Timed:
    name: str
    call: Callable[[], Awaitable[tuple[int, int]]]  # → runs in the answer, its bytes
    expected: int  # runs the answer should hold
    seconds: list[float] = field(default_factory=list)
    runs: int = 0
    size: int = 0


def matching(wants: Callable[[float, str], bool], count: int) -> int:
    """How many of the ``count`` seeded runs ``wants`` holds for."""
    rng = random.Random(SEED)
    found = 0
    for index in range(count):
        _create, batch = run_bodies(index, rng)
        acc = batch["metrics"][0]["value"]
        found += wants(acc, batch["params"][0]["value"])
    return found


def search_calls(
    server: Server, session: aiohttp.ClientSession, experiment: str, count: int
) -> list[Timed]:
    from mlflow.tracking import MlflowClient

    def rest(case: Case) -> Callable[[], Awaitable[tuple[int, int]]]:
        body = orjson.dumps(
            {
                "experiment_ids": [experiment],
                "filter": case.filter,
                "max_results": case.max_results,
                "order_by": list(case.order_by),
                "run_view_type": "ACTIVE_ONLY",
            }
        )

        async def call() -> tuple[int, int]:
            content = await post(session, "/runs/search", body)
            return len(orjson.loads(content).get("runs", [])), len(content)

        return call

    client = MlflowClient(tracking_uri=server.url)

    async def with_client() -> tuple[int, int]:
        found = await asyncio.to_thread(
            client.search_runs, [experiment], FILTER_BOTH, order_by=["metrics.acc DESC"]
        )
        return len(found), 0

    return [
        *(
            Timed(
                f"{server.name:<14} {case.name}",
                rest(case),
                min(case.max_results, matching(case.wants, count)),
            )
            for case in CASES
        ),
        Timed(
            f"{server.name:<14} MlflowClient.search_runs, the 2nd filter and order, default max",
            with_client,
            min(1000, matching(_both, count)),
        ),
    ]


async def analyze(dsn: str) -> str:
    """``ANALYZE`` the freshly seeded database, as autovacuum would once it noticed the
    new rows: without statistics PostgreSQL may plan a metric filter as a nested loop over
    every run (~0.4-1 s at 10,000 runs instead of ~10 ms)."""
    connection = await asyncpg.connect(dsn, timeout=10)
    try:
        autovacuum = await connection.fetchval("SHOW autovacuum")
        await connection.execute("ANALYZE")
    finally:
        await connection.close()
    return f"ANALYZE after seeding (autovacuum is {autovacuum} on this server)"


async def search_phase(kinds: dict[str, list[Server]], args: argparse.Namespace) -> None:
    """Seed every server at once (each is one process: on SQLite and PostgreSQL both
    cores work), then time each backend's calls."""
    if not await serves_search(next(iter(kinds.values()))[0]):
        print("\n== runs/search: skipped, this build of expsvc does not serve it")
        return
    jobs = [(kind, server) for kind, targets in kinds.items() for server in targets]

    async def seeded(kind: str, server: Server) -> str:
        concurrency = args.seed_concurrency or (2 if kind == "sqlite" else 4)
        experiment, seconds = await seed(server, args.runs, concurrency)
        print(
            f"(seeded {args.runs:,} runs on {server.name} ({kind}) in {seconds:.0f} s:"
            f" {args.runs / seconds:.0f} runs/s, 2 requests each, {concurrency} at a time"
            + (f", the {len(jobs)} servers at once)" if len(jobs) > 1 else ")")
        )
        return experiment

    experiments = await asyncio.gather(*(seeded(kind, server) for kind, server in jobs))
    if not args.no_analyze:
        for _kind, server in jobs:
            if server.dsn:
                print(f"({server.name}'s database: {await analyze(server.dsn)})")
    for kind, targets in kinds.items():
        # MlflowClient reads its bearer token per request; MLflow's server ignores it
        os.environ["MLFLOW_TRACKING_TOKEN"] = targets[0].token
        ids = {(k, server.name): e for (k, server), e in zip(jobs, experiments, strict=True)}
        await search_backend(kind, targets, ids, args)


async def search_backend(
    kind: str,
    targets: list[Server],
    experiments: dict[tuple[str, str], str],  # (kind, server name) → MLflow experiment id
    args: argparse.Namespace,
) -> None:
    async with contextlib.AsyncExitStack() as stack:
        calls: list[Timed] = []
        for server in targets:
            session = await stack.enter_async_context(server.session())
            calls += search_calls(server, session, experiments[kind, server.name], args.runs)
        for round_no in range(5 + args.search_calls):
            shift = round_no % len(calls)
            for timed in calls[shift:] + calls[:shift]:
                began = time.perf_counter()
                timed.runs, timed.size = await timed.call()
                if round_no >= 5:
                    timed.seconds.append(time.perf_counter() - began)
    print(
        f"\n== runs/search, {kind}: {args.runs:,} runs in one experiment (acc uniform in [0, 1),"
        f" lr one of {', '.join(LRS)}), the calls taking turns; 5 warm-up rounds, then"
        f" {args.search_calls} timed rounds"
    )
    print(f"{'server, call':<92} {'runs':>5} {'KB':>5} {'p50 ms':>8} {'p95 ms':>8}")
    for timed in calls:
        wrong = "" if timed.runs == timed.expected else f"   WRONG: {timed.expected} expected"
        kb = f"{timed.size / 1024:.0f}" if timed.size else "-"
        print(
            f"{timed.name:<92} {timed.runs:>5} {kb:>5}"
            f" {percentile(timed.seconds, 50) * 1000:8.1f}"
            f" {percentile(timed.seconds, 95) * 1000:8.1f}{wrong}"
        )
    print("(target: <= 100 ms p50 for expsvc)")


# --- main -----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--phases", default="log-batch,search", help="log-batch,search")
    parser.add_argument("--batches", type=int, default=20, help="timed rounds of log-batch")
    parser.add_argument("--warmup", type=int, default=6, help="warm-up rounds, at least")
    parser.add_argument("--max-warmup", type=int, default=20, help="warm-up rounds, at most")
    parser.add_argument("--keys", type=int, default=4, help="metric keys per log-batch")
    parser.add_argument("--runs", type=int, default=10_000, help="runs seeded for search")
    parser.add_argument(
        "--seed-concurrency",
        type=int,
        help="runs seeded at a time (default: 2 on SQLite, whose writers queue for one lock;"
        " 4 on PostgreSQL)",
    )
    parser.add_argument("--search-calls", type=int, default=30, help="timed rounds of search")
    parser.add_argument(
        "--mlflow-search", action="store_true", help="seed MLflow's server too and time it"
    )
    parser.add_argument(
        "--mlflow-workers",
        type=int,
        default=1,
        help="mlflow server's uvicorn workers (its default, 4, takes minutes to start on a busy"
        " small machine; the log-batch load is one request at a time)",
    )
    parser.add_argument(
        "--no-analyze",
        action="store_true",
        help="search PostgreSQL as seeded, before any ANALYZE (see analyze())",
    )
    parser.add_argument(
        "--mlflow-jobs",
        action="store_true",
        help="leave mlflow server's job execution on (its default; off here, see servers())",
    )
    add_database_args(parser)
    args = parser.parse_args()
    if BATCH % args.keys:
        parser.error(f"--keys must divide {BATCH}")
    print(machine_line())
    kinds = ("sqlite", "postgres") if args.backend == "both" else (args.backend,)
    phases = set(args.phases.split(","))
    if "log-batch" in phases:
        for kind in kinds:
            with servers(kind, args, mlflow=True) as (ours, theirs):
                asyncio.run(log_batch_phase(kind, ours, theirs, args))
    if "search" in phases:
        with contextlib.ExitStack() as stack:
            found = {
                kind: stack.enter_context(servers(kind, args, args.mlflow_search)) for kind in kinds
            }
            asyncio.run(search_phase(found, args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
