"""The GPU queue end to end: ``--experiments`` runs on 4 pools, queued, started and completed
through the service's API, on a simulated clock; each pool's utilisation while work waits and
the scheduler's decision times.

**What runs.** The service's app (``create_app``) in this process, called through
``httpx.ASGITransport`` with real tokens, on a fresh SQLite or PostgreSQL database. An ADMIN
(made as the CLI makes the first one) creates ``--owners`` DS users (``createUser``) and the
4 pools (``upsertResourcePool``: A100 x16, H100 x8, L4 x4, V100 x32); each owner makes 3
hypotheses (``createHypothesis``). Every experiment is created (``createExperiment``, by a
random owner in one of their hypotheses) and started with ``startExperiment(wait: true)``,
all at the beginning, 1 ms of simulated time apart, so most of them queue. Its pool is drawn
in proportion to the pools' capacities; its GPUs are 1 (50 %), 2 (25 %), 4 (15 %) or 8
(10 %, the most a request may ask), at most the pool's size; its ``maxDurationMinutes`` is
5-30 (50 %), 30-120 (35 %) or 120-480 (15 %), and it runs for that bound times a random
fraction in [``--run-fraction``, 1] (the default 1: every bound is exact), less one second
so that it ends before its reservation expires. A run is completed (``completeExperiment``, by its
owner) when its duration has elapsed.

**The clock is simulated and the scheduler is driven deterministically.** The service's one
source of "now" (``app.models.base.utcnow``; nothing else in ``app/`` reads the clock) is
replaced by a virtual clock for the run. The simulation jumps from one run's end to the next:
at each it completes the runs ending then, and then runs one scheduler pass
(``QueueScheduler.run_pass``, exactly what the leader's event-driven loop calls after a
release) at that same instant. So a release and the starts it allows happen at the same
simulated time: the figures measure the *plan* (conservative backfill) and that the service
carries it out exactly, not the event latency from a release to a start, which
``bench/queue_plan.py`` measures with the real scheduler loop (about 30 ms: next to runs of
minutes to hours that is under 0.001 % of a pool's time).

**Figures, per pool**, from the service's own rows after the run (reservations'
``reservedAt``/``releasedAt``, the experiments' ``startedAt``) and the moments each
experiment joined the queue (its ``startExperiment`` answer):

* *while work waits*: the reserved GPU-seconds over capacity x seconds, over the time the pool
  has at least one waiting entry (every request fits its pool, so each entry could run
  there). This is the issue's "utilisation of each pool while work waits".
* *held for the head*: the GPU-seconds idle in that time while some waiting entry needed no
  more GPUs than were free, as a share of capacity x that time: the GPUs conservative
  backfill keeps free so that an entry ahead (a larger one) is not delayed. Idle GPUs while
  nothing waiting would fit them are the pool draining for a larger entry's start.
* *>=10 waiting*: as *while work waits*, over the time at least 10 entries wait (a deep
  queue, without the pool's last entries).
* *queue non-empty*: the plain utilisation over the time any pool's queue is not empty.
* the runs, how many of them queued, and the most GPUs held at once (from the
  reservations' intervals, and the pool rows read after every pass) against the capacity;
  the mean / max hours in the queue, of all its entries and of its largest requests.
* *plan*: median / p99 of one pool's plan computation (one per pool per plan; by the number
  of entries waiting too); *pass*: median / p99 of a whole pass (all pools: the expiries,
  the reads, the plans, the starts' transactions and the stored positions), timed around
  ``run_pass``, and where it spends its time (``PassStages``). The service exports both as
  Prometheus histograms (``expsvc_queue_plan_seconds``, ``expsvc_queue_pass_seconds``): the
  share of each within 20 ms is read from the app's ``/metrics`` too.

``--queue-order`` is the pools' ``queueOrder`` (``FIFO``, the default, or
``WIDEST_FIRST``). ``--compare`` replays the same workload in memory (``replay``): with the
plan alone in each order (the service must match the one of its pools' order exactly),
EASY backfill, a greedy first-fit and largest-first packing (no queue order at all);
``--backend none`` runs only those.

    .tools/bin/uv run python bench/queue_sim.py --backend both --compare
    .tools/bin/uv run python bench/queue_sim.py --backend both --queue-order WIDEST_FIRST
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import heapq
import itertools
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    add_database_args,
    machine_line,
    ms,
    percentile,
    sqlalchemy_url,
    throwaway_database,
)

# name, GPU type, capacity, hourly cost per GPU
POOLS = [
    ("sim-a100", "A100", 16, 4.0),
    ("sim-h100", "H100", 8, 8.0),
    ("sim-l4", "L4", 4, 1.0),
    ("sim-v100", "V100", 32, 2.0),
]
SUBMIT_STEP = timedelta(milliseconds=1)
# "a deep queue": at least this many entries wait for the pool
DEEP = 10
Pool = tuple[str, str, int, float]


def pools(scale: float) -> list[Pool]:
    """``POOLS`` with their capacities times ``scale`` (at least 1 GPU each)."""
    return [(n, t, max(1, round(c * scale)), h) for n, t, c, h in POOLS]


CREATE_USER = """mutation($input: CreateUserInput!) { createUser(input: $input) {
  user { id } token } }"""
UPSERT_POOL = """mutation($input: ResourcePoolInput!) { upsertResourcePool(input: $input) {
  name capacity } }"""
CREATE_HYPOTHESIS = """mutation($input: CreateHypothesisInput!) {
  createHypothesis(input: $input) { id } }"""
CREATE_EXPERIMENT = """mutation($input: CreateExperimentInput!) {
  createExperiment(input: $input) { id } }"""
START = """mutation($id: ID!) { startExperiment(id: $id, wait: true) {
  status queue { pool position } } }"""
COMPLETE = "mutation($id: ID!) { completeExperiment(id: $id) { status } }"


# --- the simulated clock ---------------------------------------------------------------------


class VirtualClock:
    now: datetime = datetime(2026, 1, 1, tzinfo=UTC)


def _virtual_utcnow() -> datetime:
    # runs as ``app.models.base.utcnow``: the name is looked up in that module's globals
    return VirtualClock.now


@contextlib.contextmanager
def virtual_clock(start: datetime) -> Iterator[type[VirtualClock]]:
    """Make ``app.models.base.utcnow`` answer ``VirtualClock.now`` until the block ends.

    Its code object is swapped (and restored), so every reference to it follows: the
    modules' imported names and the models' column defaults alike."""
    from app.models import base

    original = base.utcnow.__code__
    base.__dict__["VirtualClock"] = VirtualClock
    VirtualClock.now = start
    base.utcnow.__code__ = _virtual_utcnow.__code__
    try:
        yield VirtualClock
    finally:
        base.utcnow.__code__ = original
        base.__dict__.pop("VirtualClock", None)


# --- where a pass spends its time ------------------------------------------------------------

STAGES = ("expire", "reads", "plan", "starts", "positions")


class PassStages:
    """Wraps the functions a pass calls (``expire``, ``queue.pools_with_waiting`` and
    ``queue.pool_state``, ``plan``, the scheduler's ``_start``, ``queue.write_plan``) to add
    up each one's seconds per pass; ``plans`` has (waiting entries, seconds) per plan."""

    def __init__(self) -> None:
        self.current = dict.fromkeys(STAGES, 0.0)
        self.per_pass: list[dict[str, float]] = []
        self.plans: list[tuple[int, float]] = []

    def end_pass(self) -> None:
        self.per_pass.append(self.current)
        self.current = dict.fromkeys(STAGES, 0.0)

    def _timed(self, stage: str, function: Any) -> Any:
        if asyncio.iscoroutinefunction(function):

            async def timed_async(*args: Any, **kwargs: Any) -> Any:
                began = time.perf_counter()
                try:
                    return await function(*args, **kwargs)
                finally:
                    self.current[stage] += time.perf_counter() - began

            return timed_async

        def timed(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                seconds = time.perf_counter() - began
                self.current[stage] += seconds
                self.plans.append((len(kwargs.get("waiting", ())), seconds))

        return timed

    @contextlib.contextmanager
    def installed(self, scheduler: Any) -> Iterator[None]:
        from app.resources import queue
        from app.resources import scheduler as module

        patches = [
            (module, "expire", "expire"),
            (queue, "pools_with_waiting", "reads"),
            (queue, "pool_state", "reads"),
            (module, "plan", "plan"),
            (scheduler, "_start", "starts"),
            (queue, "write_plan", "positions"),
        ]
        originals = [(target, name, getattr(target, name)) for target, name, _ in patches]
        for target, name, stage in patches:
            setattr(target, name, self._timed(stage, getattr(target, name)))
        try:
            yield
        finally:
            for target, name, original in originals:
                if target is scheduler:
                    delattr(target, name)  # back to the class's method
                else:
                    setattr(target, name, original)


# --- the workload ----------------------------------------------------------------------------


@dataclass
class Job:
    id: str
    pool: str
    gpus: int
    bound_minutes: int
    seconds: float
    token: str
    submitted_at: datetime
    queued: bool = False
    started_at: datetime | None = None
    completed: bool = False


def draw(rng: random.Random, pools: list[Pool], run_fraction: float) -> tuple[str, int, int, float]:
    """A request: pool, GPUs, ``maxDurationMinutes``, and how long it actually runs (s)."""
    name, _type, capacity, _cost = rng.choices(pools, weights=[p[2] for p in pools])[0]
    size = rng.choices([1, 2, 4, 8], weights=[50, 25, 15, 10])[0]
    low, high = rng.choices([(5, 30), (30, 120), (120, 480)], weights=[50, 35, 15])[0]
    bound = rng.randint(low, high)
    seconds = bound * 60 * rng.uniform(run_fraction, 1.0) - 1
    return name, min(size, capacity), bound, max(1.0, seconds)


@dataclass
class Result:
    backend: str
    pools: list[Pool]
    jobs: list[Job]
    # per pool: (reserved_at, released_at, gpus)
    intervals: dict[str, list[tuple[datetime, datetime, int]]]
    pass_seconds: list[float]
    stages: PassStages
    passes: int
    scheduler_starts: int
    sampled_max: dict[str, int] = field(default_factory=dict)
    # per exported histogram: its observations during the simulation, cumulative by bucket
    exported: dict[str, dict[float, float]] = field(default_factory=dict)
    oversubscribed: list[str] = field(default_factory=list)
    setup_seconds: float = 0.0
    simulate_seconds: float = 0.0

    @property
    def all_completed(self) -> bool:
        return all(job.completed for job in self.jobs)


class Api:
    """GraphQL over the in-process app; any error stops the benchmark."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def __call__(self, token: str, query: str, variables: dict[str, Any]) -> Any:
        answer = await self.client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
        body = answer.json()
        if answer.status_code != 200 or body.get("errors"):
            raise RuntimeError(f"{query.split('(')[0]}: {answer.status_code} {body}")
        return body["data"]


EXPORTED = ("expsvc_queue_plan_seconds", "expsvc_queue_pass_seconds")


async def scrape(client: httpx.AsyncClient) -> dict[str, dict[float, float]]:
    """The scheduler's histograms on ``/metrics``: cumulative count by upper bound."""
    from prometheus_client.parser import text_string_to_metric_families

    answer = await client.get("/metrics")
    answer.raise_for_status()
    found: dict[str, dict[float, float]] = {}
    for family in text_string_to_metric_families(answer.text):
        if family.name in EXPORTED:
            for sample in family.samples:
                if sample.name == family.name + "_bucket":
                    found.setdefault(family.name, {})[float(sample.labels["le"])] = sample.value
    return found


def within(buckets: dict[float, float], seconds: float) -> str:
    """The share of observations at most ``seconds`` (a bucket bound), of all."""
    total = buckets.get(float("inf"), 0.0)
    return f"{buckets.get(seconds, 0.0) / total:.2%}" if total else "-"


async def simulate(url: str, args: argparse.Namespace) -> Result:
    """Run the whole simulation on the migrated, empty database at ``url``."""
    from sqlalchemy import select

    from app.config import Settings
    from app.main import create_app
    from app.models import Experiment
    from app.models.enums import ExperimentStatus, Role
    from app.models.resource import Reservation, ResourcePool
    from app.resources.scheduler import QueueScheduler
    from app.runtime import tune_garbage_collector
    from app.services import Services
    from app.users.service import create_user

    rng = random.Random(args.seed)
    sim_pools = pools(args.capacity_scale)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    thresholds = gc.get_threshold()
    folder = Path(tempfile.mkdtemp(prefix="queue-sim-"))
    with virtual_clock(start) as clock:
        settings = Settings(
            database_url=url,
            data_dir=folder,
            artifact_store_url=f"file://{folder / 'artifacts'}",
            redis_url="",
            resource_pools=[],
            log_level="WARNING",
            rate_limit_reads_per_minute=0,
            rate_limit_mutations_per_minute=0,
            rate_limit_unauthenticated_per_minute=0,
        )
        services = Services.from_settings(settings)
        app = create_app(settings, services)  # its lifespan (and so its scheduler) not run
        scheduler = QueueScheduler(services)  # driven by the simulation instead
        transport = httpx.ASGITransport(app=app)
        began = time.perf_counter()
        try:
            async with services.db.unit_of_work() as session:
                _admin, admin = await create_user(
                    session, actor=None, name="admin", email="admin@sim.test", role=Role.ADMIN
                )
            async with httpx.AsyncClient(
                transport=transport, base_url="http://sim", timeout=60
            ) as client:
                api = Api(client)
                for name, gpu_type, capacity, cost in sim_pools:
                    await api(
                        admin,
                        UPSERT_POOL,
                        {
                            "input": {
                                "name": name,
                                "gpuType": gpu_type,
                                "capacity": capacity,
                                "hourlyCostPerGpu": cost,
                                "queueOrder": args.queue_order,
                            }
                        },
                    )
                owners: list[tuple[str, list[str]]] = []
                for index in range(args.owners):
                    made = await api(
                        admin,
                        CREATE_USER,
                        {
                            "input": {
                                "name": f"owner {index}",
                                "email": f"owner{index}@sim.test",
                                "role": "DS",
                            }
                        },
                    )
                    token = made["createUser"]["token"]
                    hypotheses = [
                        (
                            await api(
                                token,
                                CREATE_HYPOTHESIS,
                                {"input": {"title": f"owner {index} idea {h}"}},
                            )
                        )["createHypothesis"]["id"]
                        for h in range(3)
                    ]
                    owners.append((token, hypotheses))
                gpu_types = {name: gpu_type for name, gpu_type, _c, _h in sim_pools}

                jobs: list[Job] = []
                running: list[tuple[datetime, int]] = []  # (ends at, index in jobs)
                for index in range(args.experiments):
                    clock.now = start + SUBMIT_STEP * index
                    pool, gpus, bound, seconds = draw(rng, sim_pools, args.run_fraction)
                    token, hypotheses = rng.choice(owners)
                    created = await api(
                        token,
                        CREATE_EXPERIMENT,
                        {
                            "input": {
                                "hypothesisId": rng.choice(hypotheses),
                                "name": f"sim {index}",
                                "type": "ML",
                                "model": "sim",
                                "framework": "none",
                                "resources": {
                                    "gpuType": gpu_types[pool],
                                    "gpuCount": gpus,
                                    "maxDurationMinutes": bound,
                                },
                            }
                        },
                    )
                    job = Job(
                        created["createExperiment"]["id"],
                        pool,
                        gpus,
                        bound,
                        seconds,
                        token,
                        clock.now,
                    )
                    jobs.append(job)
                    answer = (await api(token, START, {"id": job.id}))["startExperiment"]
                    if answer["status"] == "RUNNING":
                        job.started_at = clock.now
                        heapq.heappush(running, (clock.now + timedelta(seconds=seconds), index))
                    else:
                        assert answer["status"] == "QUEUED" and answer["queue"]["pool"] == pool
                        job.queued = True
                setup_seconds = time.perf_counter() - began

                by_id = {uuid.UUID(job.id): i for i, job in enumerate(jobs)}
                waiting = {uuid.UUID(job.id) for job in jobs if job.queued}
                pass_seconds: list[float] = []
                sampled_max = {name: 0 for name, *_ in sim_pools}
                capacities = {name: capacity for name, _t, capacity, _c in sim_pools}
                oversubscribed: list[str] = []
                stages = PassStages()
                exported_before = await scrape(client)
                tune_garbage_collector()  # as `expsvc serve` does
                began = time.perf_counter()
                while True:
                    timer = time.perf_counter()
                    with stages.installed(scheduler):
                        await scheduler.run_pass(now=clock.now)
                    pass_seconds.append(time.perf_counter() - timer)
                    stages.end_pass()
                    async with services.db.reader() as session:
                        if waiting:
                            for id, started_at in (
                                await session.execute(
                                    select(Experiment.id, Experiment.started_at).where(
                                        Experiment.status == ExperimentStatus.RUNNING,
                                        Experiment.started_at >= clock.now,
                                    )
                                )
                            ).all():
                                if id in waiting:
                                    waiting.discard(id)
                                    index = by_id[id]
                                    jobs[index].started_at = started_at
                                    ends = started_at + timedelta(seconds=jobs[index].seconds)
                                    heapq.heappush(running, (ends, index))
                        for name, reserved, capacity in (
                            await session.execute(
                                select(
                                    ResourcePool.name,
                                    ResourcePool.reserved,
                                    ResourcePool.capacity,
                                ).where(ResourcePool.name.in_(sampled_max))
                            )
                        ).all():
                            sampled_max[name] = max(sampled_max[name], reserved)
                            if reserved > capacity:
                                oversubscribed.append(f"{name}: {reserved}/{capacity}")
                    if not running:
                        break  # nothing runs: nothing can start any more
                    clock.now = running[0][0]
                    while running and running[0][0] == clock.now:
                        _ends, index = heapq.heappop(running)
                        job = jobs[index]
                        answer = await api(job.token, COMPLETE, {"id": job.id})
                        job.completed = answer["completeExperiment"]["status"] == "COMPLETED"
                simulate_seconds = time.perf_counter() - began
                exported_after = await scrape(client)
                exported = {
                    name: {
                        le: count - exported_before.get(name, {}).get(le, 0.0)
                        for le, count in buckets.items()
                    }
                    for name, buckets in exported_after.items()
                }

                async with services.db.reader() as session:
                    rows = (
                        await session.execute(
                            select(
                                Reservation.pool_name,
                                Reservation.reserved_at,
                                Reservation.released_at,
                                Reservation.gpu_count,
                            )
                        )
                    ).all()
                intervals: dict[str, list[tuple[datetime, datetime, int]]] = {
                    name: [] for name, *_ in sim_pools
                }
                for name, reserved_at, released_at, gpus in rows:
                    if released_at is None:
                        oversubscribed.append(f"{name}: a reservation never released")
                        continue
                    intervals[name].append((reserved_at, released_at, gpus))
                for name, capacity in capacities.items():
                    if sampled_max[name] > capacity:
                        oversubscribed.append(f"{name}: sampled {sampled_max[name]}/{capacity}")
        finally:
            await services.close()
            gc.unfreeze()  # undo tune_garbage_collector (a test runs this in its process)
            gc.set_threshold(*thresholds)
            shutil.rmtree(folder, ignore_errors=True)
    return Result(
        backend=url.split(":", 1)[0],
        pools=sim_pools,
        jobs=jobs,
        intervals=intervals,
        exported=exported,
        pass_seconds=pass_seconds,
        stages=stages,
        passes=scheduler.passes,
        scheduler_starts=scheduler.started,
        sampled_max=sampled_max,
        oversubscribed=oversubscribed,
        setup_seconds=setup_seconds,
        simulate_seconds=simulate_seconds,
    )


# --- the figures -----------------------------------------------------------------------------


@dataclass
class PoolFigures:
    name: str
    capacity: int
    starts: int
    queued: int
    max_held: int
    wait_seconds: float  # the time the pool has a waiting entry
    busy_while_waiting: float  # reserved GPU-seconds in that time
    held_for_head: float  # idle GPU-seconds in that time while a waiting entry fit the free GPUs
    busy_any_queue: float  # reserved GPU-seconds while any pool's queue is non-empty
    deep_seconds: float  # the time at least DEEP entries wait for the pool
    busy_deep: float  # reserved GPU-seconds in that time

    @property
    def while_waiting(self) -> float:
        if not self.wait_seconds:
            return float("nan")
        return self.busy_while_waiting / (self.capacity * self.wait_seconds)


def pool_figures(result: Result) -> tuple[list[PoolFigures], float]:
    """Per pool (see the module docstring); and the time any queue is non-empty (s)."""
    queue_spans = [
        (job.submitted_at, job.started_at) for job in result.jobs if job.queued and job.started_at
    ]
    any_from = min((s for s, _ in queue_spans), default=None)
    any_until = max((e for _, e in queue_spans), default=None)
    any_seconds = (any_until - any_from).total_seconds() if any_from and any_until else 0.0
    figures = []
    for name, _type, capacity, _cost in result.pools:
        intervals = result.intervals[name]
        # the sweep: at each instant, every change of that instant, then the state holds
        changes: dict[datetime, list[tuple[str, int]]] = {}
        for reserved_at, released_at, gpus in intervals:
            changes.setdefault(reserved_at, []).append(("held", gpus))
            changes.setdefault(released_at, []).append(("held", -gpus))
        for job in result.jobs:
            if job.pool == name and job.queued and job.started_at is not None:
                changes.setdefault(job.submitted_at, []).append(("wait", job.gpus))
                changes.setdefault(job.started_at, []).append(("wait", -job.gpus))
        held, max_held = 0, 0
        waiting: dict[int, int] = {}  # GPUs asked → entries waiting
        wait_seconds = busy = for_head = busy_any = deep_seconds = busy_deep = 0.0
        instants = sorted(changes)
        for at, after in itertools.pairwise(instants):
            for kind, gpus in changes[at]:
                if kind == "held":
                    held += gpus
                else:
                    waiting[abs(gpus)] = waiting.get(abs(gpus), 0) + (1 if gpus > 0 else -1)
            max_held = max(max_held, held)
            seconds = (after - at).total_seconds()
            if any_from and any_until and any_from <= at < any_until:
                busy_any += held * min(seconds, (any_until - at).total_seconds())
            asked = [gpus for gpus, count in waiting.items() if count > 0]
            if sum(waiting.values()) >= DEEP:
                deep_seconds += seconds
                busy_deep += held * seconds
            if asked:
                wait_seconds += seconds
                busy += held * seconds
                if min(asked) <= capacity - held:
                    for_head += (capacity - held) * seconds
        figures.append(
            PoolFigures(
                name,
                capacity,
                starts=len(intervals),
                queued=sum(1 for job in result.jobs if job.pool == name and job.queued),
                max_held=max(max_held, result.sampled_max.get(name, 0)),
                wait_seconds=wait_seconds,
                busy_while_waiting=busy,
                held_for_head=for_head,
                busy_any_queue=busy_any,
                deep_seconds=deep_seconds,
                busy_deep=busy_deep,
            )
        )
    return figures, any_seconds


def queued_hours(jobs: list[Job]) -> list[float]:
    """The time in the queue of each queued and started job of ``jobs`` (h), sorted."""
    return sorted(
        (job.started_at - job.submitted_at).total_seconds() / 3600
        for job in jobs
        if job.queued and job.started_at is not None
    )


def waits_hours(jobs: list[Job]) -> str:
    """Mean / max time in the queue of the queued ``jobs`` (h)."""
    hours = queued_hours(jobs)
    return f"{statistics.mean(hours):.1f}/{max(hours):.1f}" if hours else "-"


def report_pools(result: Result) -> None:
    figures, any_seconds = pool_figures(result)
    print(
        f"  {'pool':<9} {'GPUs':>4} {'runs':>5} {'queued':>6} {'max held':>8}"
        f" {'waits (h)':>9} {'util while waiting':>18} {'held for head':>13}"
        f" {f'util >={DEEP} waiting':>17} {'util queue non-empty':>20}"
        f" {'wait h, all':>11} {'largest':>9}"
    )
    for f in figures:
        plain = f.busy_any_queue / (f.capacity * any_seconds) if any_seconds else float("nan")
        share = f.held_for_head / (f.capacity * f.wait_seconds) if f.wait_seconds else 0.0
        deep = f.busy_deep / (f.capacity * f.deep_seconds) if f.deep_seconds else float("nan")
        mine = [job for job in result.jobs if job.pool == f.name]
        largest = max((job.gpus for job in mine), default=0)
        print(
            f"  {f.name:<9} {f.capacity:>4} {f.starts:>5} {f.queued:>6}"
            f" {f'{f.max_held}/{f.capacity}':>8} {f.wait_seconds / 3600:>9.1f}"
            f" {f.while_waiting:>17.2%} {share:>13.2%} {deep:>16.2%} {plain:>19.2%}"
            f" {waits_hours(mine):>11} {waits_hours([j for j in mine if j.gpus == largest]):>9}"
        )
    print("  " + waits_by_size(result.jobs))


def waits_by_size(jobs: list[Job]) -> str:
    """Hours in the queue of the queued ``jobs`` of every pool, by the GPUs they asked for:
    mean / p90 / max (and how many)."""
    parts = []
    for gpus in sorted({job.gpus for job in jobs}):
        hours = queued_hours([job for job in jobs if job.gpus == gpus])
        if hours:
            p90 = percentile(hours, 90)
            parts.append(
                f"{gpus}: {statistics.mean(hours):.1f}/{p90:.1f}/{hours[-1]:.1f} ({len(hours)})"
            )
    return "wait h by GPUs asked, mean/p90/max (entries): " + ", ".join(parts)


def report(result: Result) -> None:
    _figures, any_seconds = pool_figures(result)
    done = sum(job.completed for job in result.jobs)
    print(
        f"{result.backend}: {len(result.jobs)} experiments, {done} completed; set-up "
        f"(create + start through the API) {result.setup_seconds:.1f} s, simulation "
        f"{result.simulate_seconds:.1f} s for {any_seconds / 3600:.1f} simulated hours of queue, "
        f"{result.passes} passes, {result.scheduler_starts} starts by the scheduler"
    )
    report_pools(result)
    plans = [seconds for _size, seconds in result.stages.plans]
    passes = result.pass_seconds
    print(
        f"  plan (one pool): median {ms(statistics.median(plans))}, "
        f"p99 {ms(percentile(plans, 99))}, max {ms(max(plans))} ({len(plans)} plans)"
    )
    print(
        f"  pass (every pool, reads + plans + starts + positions): median "
        f"{ms(statistics.median(passes))}, p99 {ms(percentile(passes, 99))}, "
        f"max {ms(max(passes))} ({len(passes)} passes)"
    )
    per_pass = result.stages.per_pass
    print(
        "  pass stages, median / p99 per pass: "
        + ", ".join(
            f"{stage} {ms(statistics.median(p[stage] for p in per_pass))}"
            f" / {ms(percentile([p[stage] for p in per_pass], 99))}"
            for stage in STAGES
        )
    )
    plans_by_size = result.stages.plans
    for low, high in ((0, 50), (50, 200), (200, 10**9)):
        times = [seconds for size, seconds in plans_by_size if low <= size < high]
        if times:
            label = f"{low}-{high - 1}" if high < 10**9 else f">={low}"
            print(
                f"    plans of {label} waiting entries: median {ms(statistics.median(times))},"
                f" p99 {ms(percentile(times, 99))} ({len(times)} plans)"
            )
    plan_buckets = result.exported.get("expsvc_queue_plan_seconds", {})
    pass_buckets = result.exported.get("expsvc_queue_pass_seconds", {})
    print(
        f"  /metrics: expsvc_queue_plan_seconds {plan_buckets.get(float('inf'), 0):.0f} plans,"
        f" {within(plan_buckets, 0.02)} within 20 ms; expsvc_queue_pass_seconds"
        f" {pass_buckets.get(float('inf'), 0):.0f} passes, {within(pass_buckets, 0.02)} within"
        f" 20 ms, {within(pass_buckets, 0.1)} within 100 ms"
    )
    over = "; ".join(result.oversubscribed) if result.oversubscribed else "never"
    print(f"  oversubscribed: {over}")


# --- the same workload without the service ---------------------------------------------------


POLICIES = ("fifo", "widest", "easy", "greedy", "largest")
# the replay the service must match, by its pools' order
PLAN_OF = {"FIFO": "fifo", "WIDEST_FIRST": "widest"}


def replay(args: argparse.Namespace, policy: str) -> Result:
    """The same workload (same seed, same draws) in memory, no service: ``fifo`` and
    ``widest`` are ``app.resources.plan.plan`` in the pools' ``FIFO`` and ``WIDEST_FIRST``
    orders (what the service should match exactly, ``PLAN_OF``); ``easy`` is EASY
    backfill (only the first entry that cannot start is protected: later ones start if they
    fit now without delaying it, whatever they do to the entries behind it); ``greedy``
    starts every entry, in queue order, that fits the free GPUs (no protection at all);
    ``largest`` ignores the queue's order: the entries holding the most GPU-minutes first,
    each started where it fits (what packing alone reaches, at the cost of FIFO)."""
    from app.models.enums import QueueOrder
    from app.resources.plan import Holding, Ordering, Profile, Waiting, plan

    rng = random.Random(args.seed)
    sim_pools = pools(args.capacity_scale)
    capacity = {name: c for name, _t, c, _h in sim_pools}
    start = datetime(2026, 1, 1, tzinfo=UTC)
    now = start
    owners = [(uuid.uuid4(), [uuid.uuid4() for _ in range(3)]) for _ in range(args.owners)]
    jobs: list[Job] = []
    waiting: dict[str, list[tuple[int, Waiting]]] = {name: [] for name in capacity}
    held: dict[str, dict[int, tuple[int, datetime]]] = {name: {} for name in capacity}
    reserved_at: dict[int, datetime] = {}
    intervals: dict[str, list[tuple[datetime, datetime, int]]] = {n: [] for n in capacity}
    running: list[tuple[datetime, int]] = []

    def begin(index: int) -> None:
        job = jobs[index]
        job.started_at = now
        reserved_at[index] = now
        held[job.pool][index] = (job.gpus, now + timedelta(minutes=job.bound_minutes))
        heapq.heappush(running, (now + timedelta(seconds=job.seconds), index))

    for index in range(args.experiments):
        now = start + SUBMIT_STEP * index
        pool, gpus, bound, seconds = draw(rng, sim_pools, args.run_fraction)
        owner, hypotheses = rng.choice(owners)
        hypothesis = rng.choice(hypotheses)  # the same draws as simulate's, in its order
        jobs.append(Job(str(index), pool, gpus, bound, seconds, "", now))
        free = capacity[pool] - sum(g for g, _ in held[pool].values())
        if not waiting[pool] and gpus <= free:
            begin(index)
        else:
            jobs[index].queued = True
            entry = Waiting(uuid.uuid4(), gpus, bound, 0, now, owner, hypothesis)
            waiting[pool].append((index, entry))
    passes = 0
    while True:
        passes += 1
        for name, entries in waiting.items():
            if not entries:
                continue
            free = capacity[name] - sum(g for g, _ in held[name].values())
            ids = {entry.experiment_id: index for index, entry in entries}
            if policy in ("fifo", "widest"):
                planned = plan(
                    now=now,
                    capacity=capacity[name],
                    reserved=capacity[name] - free,
                    holdings=[Holding(g, ends) for g, ends in held[name].values()],
                    waiting=[entry for _, entry in entries],
                    ordering=Ordering(
                        QueueOrder.FIFO if policy == "fifo" else QueueOrder.WIDEST_FIRST
                    ),
                )
                starting = {ids[p.experiment_id] for p in planned if p.start_now}
            elif policy == "easy":
                # EASY backfill: only the first entry that cannot start books its interval
                # (GPUs only: the simulated requests ask for no cores or memory)
                holdings = [Holding(g, ends) for g, ends in held[name].values()]
                profile = Profile(now, (free, 0, 0), holdings)
                starting, head_booked = set(), False
                for index, entry in entries:
                    length = timedelta(minutes=entry.minutes)
                    at = profile.earliest(entry.need, length)
                    if at == 0:
                        starting.add(index)
                        profile.book(0, entry.need, length)
                    elif not head_booked:
                        profile.book(at, entry.need, length)
                        head_booked = True
            else:
                starting = set()
                order = entries
                if policy == "largest":
                    order = sorted(entries, key=lambda item: -item[1].gpus * item[1].minutes)
                for index, entry in order:
                    if entry.gpus <= free:
                        starting.add(index)
                        free -= entry.gpus
            for index in sorted(starting):
                begin(index)
            waiting[name] = [(i, e) for i, e in entries if i not in starting]
        if not running:
            break
        now = running[0][0]
        while running and running[0][0] == now:
            _ends, index = heapq.heappop(running)
            job = jobs[index]
            del held[job.pool][index]
            intervals[job.pool].append((reserved_at[index], now, job.gpus))
            job.completed = True
    return Result(
        backend=f"in memory, {policy}",
        pools=sim_pools,
        jobs=jobs,
        intervals=intervals,
        pass_seconds=[],
        stages=PassStages(),
        passes=passes,
        scheduler_starts=sum(job.queued for job in jobs),
    )


def run_backend(backend: str, args: argparse.Namespace) -> Result:
    from app.migrate import upgrade

    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite+aiosqlite:///{folder}/sim.db"
            upgrade(url)
            return asyncio.run(simulate(url, args))
    with throwaway_database(args.pg_server_url, args.database_url, "expsvc_queue_sim") as dsn:
        url = sqlalchemy_url(dsn)
        upgrade(url)
        return asyncio.run(simulate(url, args))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--backend",
        choices=["sqlite", "postgres", "both", "none"],
        default="sqlite",
        help="none: no service, only --compare's replays",
    )
    parser.add_argument("--experiments", type=int, default=1000)
    parser.add_argument("--owners", type=int, default=8)
    parser.add_argument(
        "--run-fraction",
        type=float,
        default=1.0,
        help="runs last this share of their maxDurationMinutes, or more (0-1; default 1)",
    )
    parser.add_argument(
        "--capacity-scale",
        type=float,
        default=1.0,
        help="multiply the pools' capacities (at least 1 GPU each); default 1",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--queue-order",
        choices=list(PLAN_OF),
        default="FIFO",
        help="the pools' queueOrder (default FIFO)",
    )
    parser.add_argument(
        "--compare",
        action="store_true",
        help="also replay the workload in memory: with the plan alone (in either queue "
        "order), EASY backfill, a greedy first-fit and largest-first packing (see replay)",
    )
    add_database_args(parser)
    args = parser.parse_args(argv)
    if not 0 < args.run_fraction <= 1:
        parser.error("--run-fraction must be in (0, 1]")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(machine_line())
    sim_pools = pools(args.capacity_scale)
    print(
        f"{args.experiments} experiments on {len(sim_pools)} pools "
        f"({', '.join(f'{n} x{c}' for n, _t, c, _h in sim_pools)}), runs lasting "
        f"{args.run_fraction:g}-1 x their bound, seed {args.seed}; simulated clock"
    )
    backends = {"both": ["sqlite", "postgres"], "none": []}.get(args.backend, [args.backend])
    for backend in backends:
        report(run_backend(backend, args))
    if args.compare:
        for policy in POLICIES:
            result = replay(args, policy)
            print(f"{result.backend} (the same workload without the service):")
            report_pools(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
