"""The GPU queue's scheduler: how long a plan takes, and how soon a freed GPU is handed on.

* ``plan``: ``app.resources.plan.plan`` for one pool of ``--capacity`` GPUs, half held by
  running reservations ending at random within the next hours, with ``--waiting``
  entries of 1-8 GPUs and 10-600 minutes, random priorities (-2..2) and join times; the
  median and p99 of ``--repeat`` plans (new random data each time). This is the
  scheduling decision; a pass adds its reads and the starts' transactions.
* ``release → start``: a real ``QueueScheduler`` (started as the app starts it, its
  safety poll set to an hour so only events drive it) on a fresh SQLite or
  ``--database-url`` database; a one-GPU pool held by one run, one run waiting. The run
  is completed through the service; the time until the waiting one is RUNNING (read every
  2 ms), ``--rounds`` times.

    .tools/bin/uv run python bench/queue_plan.py
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine_line, ms, percentile


def plan_figures(args: argparse.Namespace) -> None:
    from app.resources.plan import Holding, Waiting, plan

    rng = random.Random(1)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    owners = [uuid.uuid4() for _ in range(20)]
    times = []
    for _ in range(args.repeat):
        holdings, held = [], 0
        while held < args.capacity // 2:
            gpus = rng.randint(1, 4)
            holdings.append(Holding(gpus, now + timedelta(minutes=rng.randint(1, 600))))
            held += gpus
        waiting = [
            Waiting(
                uuid.uuid4(),
                rng.randint(1, 8),
                rng.randint(10, 600),
                rng.randint(-2, 2),
                now - timedelta(seconds=rng.randint(0, 86_400)),
                rng.choice(owners),
                uuid.uuid4(),
            )
            for _ in range(args.waiting)
        ]
        began = time.perf_counter()
        plan(now=now, capacity=args.capacity, reserved=held, holdings=holdings, waiting=waiting)
        times.append(time.perf_counter() - began)
    print(
        f"plan, {args.waiting} waiting on {args.capacity} GPUs: "
        f"median {ms(statistics.median(times))}, p99 {ms(percentile(times, 99))}"
        f" ({args.repeat} plans)"
    )


async def latency_figures(args: argparse.Namespace) -> None:
    from app.config import Settings
    from app.experiments import service as experiments
    from app.experiments.schemas import ExperimentCreate, ResourceRequestData
    from app.hypotheses import service as hypotheses
    from app.models import Experiment
    from app.models.enums import ExperimentStatus, ExperimentType, Role
    from app.models.resource import ResourcePool
    from app.resources import starting
    from app.resources.scheduler import QueueScheduler
    from app.services import Services
    from app.users.service import create_user

    folder, url = args.folder, args.url
    settings = Settings(database_url=url, data_dir=folder, redis_url="", resource_pools=[])
    services = Services.from_settings(settings)
    async with services.db.unit_of_work() as session:
        user, _ = await create_user(
            session, actor=None, name="bench", email=f"{uuid.uuid4().hex}@b.test", role=Role.DS
        )
        hypothesis = await hypotheses.create_hypothesis(session, actor=user, title="bench")
        session.add(
            ResourcePool(
                name="bench-pool", gpu_type="BENCH", capacity=1, reserved=0, hourly_cost_per_gpu=1
            )
        )

    async def new_run() -> uuid.UUID:
        data = ExperimentCreate(
            hypothesis_id=hypothesis.id,
            name="run",
            type=ExperimentType.ML,
            model="m",
            framework="f",
            resources=ResourceRequestData(gpu_type="BENCH", gpu_count=1),
        )
        async with services.db.unit_of_work() as session:
            row = await experiments.create_experiment(
                session, actor=user, data=data, settings=settings
            )
        await starting.start(services, actor=user, experiment_id=row.id)
        return row.id

    scheduler = QueueScheduler(services)
    scheduler.poll_seconds = 3600
    scheduler.start()
    waits = []
    try:
        holder = await new_run()
        for _ in range(args.rounds):
            waiting = await new_run()
            began = time.perf_counter()
            async with services.db.unit_of_work() as session:
                await experiments.complete_experiment(session, actor=user, experiment_id=holder)
            while True:
                async with services.db.reader() as session:
                    status = await session.scalar(
                        Experiment.__table__.select()
                        .with_only_columns(Experiment.status)
                        .where(Experiment.id == waiting)
                    )
                if status == ExperimentStatus.RUNNING:
                    break
                await asyncio.sleep(0.002)
            waits.append(time.perf_counter() - began)
            holder = waiting
    finally:
        await scheduler.stop()
        await services.close()
    backend = url.split(":", 1)[0]
    print(
        f"release → start ({backend}, events only): median {ms(statistics.median(waits))}, "
        f"p99 {ms(percentile(waits, 99))}, max {ms(max(waits))} ({args.rounds} rounds)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--waiting", type=int, default=250)
    parser.add_argument("--capacity", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    print(machine_line())
    plan_figures(args)
    from app.migrate import upgrade

    args.folder = Path(tempfile.mkdtemp(prefix="queue-bench-"))
    args.url = args.database_url or f"sqlite+aiosqlite:///{args.folder / 'bench.db'}"
    upgrade(args.url)
    asyncio.run(latency_figures(args))


if __name__ == "__main__":
    main()
