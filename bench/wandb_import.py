"""Import of a 1,000,000-point W&B run (issue #16: ≤ 30 s here), end to end.

The run is written by the real ``wandb`` package, offline (``--keys`` keys logged at each
of ``--steps`` steps: 4 x 250,000 = 1,000,000 points; with ``--data DIR`` it is kept there
and reused), then ``expsvc import wandb`` (the CLI, a process of its own, over HTTP) brings
it into an ``expsvc serve`` on SQLite or a throw-away PostgreSQL database. Printed: the
time to write the run (not part of the figure), the CLI's wall time from start to exit
(the figure), its own lines, and the time of the reader alone (decoding the ``.wandb``
file in this process) as a breakdown. Run from the repository root::

    .venv/bin/python bench/wandb_import.py
    .venv/bin/python bench/wandb_import.py --backend postgres
    .venv/bin/python bench/wandb_import.py --steps 25000 --backend both
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # app, for the reader

from common import (
    EXPSVC,
    Service,
    add_database_args,
    machine_line,
    throwaway_database,
)
from ingest import backend_pids, process_cpu

WRITER = """
import math, os, sys
os.environ.update(WANDB_MODE="offline", WANDB_DIR=sys.argv[1], WANDB_SILENT="true",
                  WANDB_DISABLE_GIT="true")
import wandb
steps, keys = int(sys.argv[2]), int(sys.argv[3])
run = wandb.init(project="bench", name="million", config={"steps": steps, "keys": keys})
names = [f"train/metric_{k}" for k in range(keys)]
for step in range(steps):
    run.log({name: math.sin(step / 1000 + k) for k, name in enumerate(names)}, step=step)
    if step % 50_000 == 0:
        print(f"step {step}")
run.finish()
"""


def write_run(directory: Path, steps: int, keys: int) -> float:
    directory.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("WANDB_")}
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", WRITER, str(directory), str(steps), str(keys)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - began


def read_alone(directory: Path) -> tuple[float, int]:
    from app.integrations.wandb.reader import find_runs, read_run

    began = time.perf_counter()
    cpu = time.process_time()
    points = sum(read_run(folder).points for folder in find_runs([directory]))
    print(f"  (reader CPU {time.process_time() - cpu:.1f} s)")
    return time.perf_counter() - began, points


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def import_once(database_url: str, directory: Path, label: str) -> float:
    """The CLI's wall time; also prints the CPU seconds of the CLI, the server and (on
    PostgreSQL) its backends: on a busy machine, what the wall time would be alone."""
    with Service(database_url) as service:
        assert service.process is not None
        command = [str(EXPSVC), "import", "wandb", str(directory), "--url", service.base_url]
        print(f"$ EXPSVC_TOKEN=… {' '.join(command[1:])}   # {label}", flush=True)
        env = {**os.environ, "EXPSVC_TOKEN": service.token}
        database = asyncio.run(backend_pids(database_url)) if database_url else set()
        pids = [service.process.pid, *database]
        server_before = sum(process_cpu(pid) for pid in pids)
        cli_before = _children_cpu()
        began = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - began
        cli = _children_cpu() - cli_before
        server = sum(process_cpu(pid) for pid in pids) - server_before
        for line in (done.stderr + done.stdout).splitlines():
            print(f"  {line}")
        if done.returncode != 0:
            raise SystemExit(f"the import failed ({done.returncode})")
        print(
            f"  CPU: CLI {cli:.1f} s, server {server:.1f} s"
            + (" (with its PostgreSQL backends)" if database else "")
            + f"; load avg {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
        )
        return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=250_000)
    parser.add_argument("--keys", type=int, default=4)
    parser.add_argument("--data", type=Path, help="keep (and reuse) the written run here")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="sqlite")
    add_database_args(parser)
    args = parser.parse_args()
    print(machine_line())
    with tempfile.TemporaryDirectory(prefix="expsvc-wandb-bench-") as scratch:
        directory = (args.data or Path(scratch)) / f"run-{args.keys}x{args.steps}"
        if not (directory / "wandb").is_dir():
            seconds = write_run(directory, args.steps, args.keys)
            print(
                f"wandb wrote the run ({args.keys} keys x {args.steps:,} steps) in "
                f"{seconds:.1f} s (not timed below)"
            )
        size = sum(p.stat().st_size for p in directory.rglob("*.wandb"))
        seconds, points = read_alone(directory)
        print(
            f"reader alone: {points:,} points from {size / 1e6:.1f} MB of .wandb in "
            f"{seconds:.2f} s ({points / seconds:,.0f} points/s)"
        )
        results: list[tuple[str, float]] = []
        if args.backend in ("sqlite", "both"):
            results.append(("sqlite", import_once("", directory, "SQLite")))
        if args.backend in ("postgres", "both"):
            with throwaway_database(args.pg_server_url, args.database_url) as url:
                results.append(("postgres", import_once(url, directory, "PostgreSQL")))
        for backend, seconds in results:
            verdict = "met" if seconds <= 30 else "NOT met"
            print(
                f"import of {points:,} points on {backend}: {seconds:.1f} s wall, "
                f"{points / seconds:,.0f} points/s (target <= 30 s: {verdict})"
            )


if __name__ == "__main__":
    main()
