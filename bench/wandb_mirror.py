"""The W&B mirror: what it costs a request, and how fast it catches up.

A fresh SQLite database (in a temp folder), one RUNNING experiment, ``--batches`` metric
batches of ``--steps`` steps x 3 keys ingested as REST and GraphQL do (one transaction
each), first without any mirror, then with the W&B mirror configured (each batch also
writes its ``mirror_queue`` item: the only request-path cost). Then the mirror job sends
the backlog to W&B with the real ``wandb`` in offline mode (the run under the temp folder)
and the experiment is completed and finished there. Prints per-batch ingest p50 with and
without the queue, and the mirror's points/s and history rows/s. Run from the repository
root:

    .venv/bin/python bench/wandb_mirror.py
    .venv/bin/python bench/wandb_mirror.py --batches 100 --steps 1000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import machine_line, percentile

from app.config import Settings
from app.metrics.batch import MetricBatch
from app.metrics.service import ingest_metrics_alone
from app.migrate import upgrade
from app.models.enums import Role
from app.resources.service import seed_pools
from app.services import Services
from app.users.service import create_user
from tests.builders import create_experiment, create_hypothesis, move, start

KEYS = ("loss", "acc", "lr")


def batch_of(first: int, steps: int) -> MetricBatch:
    keys, points, values = [], [], []
    now = int(time.time() * 1000)
    for step in range(first, first + steps):
        for key in KEYS:
            keys.append(key)
            points.append(step)
            values.append(1.0 / (step + 1))
    return MetricBatch(keys, points, values, epoch_ms=[now] * len(keys))


async def ingest(services: Services, user, experiment, batches: int, steps: int, first: int):
    seconds = []
    for n in range(batches):
        batch = batch_of(first + n * steps, steps)
        begun = time.perf_counter()
        await ingest_metrics_alone(
            services.db,
            actor=user,
            experiment_id=experiment.id,
            batch=batch,
            mirror=services.mirrors,
        )
        seconds.append(time.perf_counter() - begun)
    return seconds


async def main(batches: int, steps: int) -> None:
    from app.integrations.wandb.mirror import WandbMirror

    folder = Path(tempfile.mkdtemp(prefix="expsvc-bench-wandb-"))
    os.environ.update(WANDB_MODE="offline", WANDB_SILENT="true")
    url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    await asyncio.to_thread(upgrade, url)
    base = Settings(database_url=url, data_dir=folder, artifact_store_url=f"file://{folder}/a")
    mirrored = base.model_copy(update={"wandb_project": "bench", "wandb_dir": str(folder)})
    results = {}
    for name, settings in (("no mirror", base), ("W&B mirror", mirrored)):
        services = Services.from_settings(settings)
        async with services.db.unit_of_work() as session:
            await seed_pools(session, settings)
            user, _token = await create_user(
                session, actor=None, name=name, email=f"{name[:2]}@b.io", role=Role.DS
            )
        hypothesis = await create_hypothesis(services, user, title=f"bench {name}")
        experiment = await start(
            services, user, await create_experiment(services, user, hypothesis)
        )
        results[name] = await ingest(services, user, experiment, batches, steps, 0)
        if settings is mirrored:
            await move(services, user, experiment, "complete")
            mirror = WandbMirror(services.db, settings, services.store)
            begun = time.perf_counter()
            while await mirror.experiments_with_work():
                assert await mirror.run_once(respect_backoff=False) == 1
            await mirror.close()
            spent = time.perf_counter() - begun
            points = batches * steps * len(KEYS)
            print(machine_line())
            for label, seconds in results.items():
                print(
                    f"ingest {label:<11} {batches} batches of {steps * len(KEYS)} points:"
                    f" p50 {percentile(seconds, 50) * 1000:6.1f} ms"
                    f"  p95 {percentile(seconds, 95) * 1000:6.1f} ms"
                )
            print(
                f"mirror to W&B (offline): {points:,} points, {batches * steps:,} history rows"
                f" in {spent:.1f} s: {points / spent:,.0f} points/s,"
                f" {batches * steps / spent:,.0f} rows/s (incl. wandb.init and finish)"
            )
        await services.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=50)
    parser.add_argument("--steps", type=int, default=1000)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.batches, arguments.steps))
