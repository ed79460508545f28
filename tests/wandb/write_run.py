"""Write W&B runs with the real ``wandb`` package, offline (no network), as a team would
have them in ``./wandb``: run as ``python -m tests.wandb.write_run DIR STEPS``, in a
process of its own (``wandb.init`` starts wandb's service and wraps the console).

Two runs: "resnet-a" (three keys each step, config, tags, notes, a saved file, console
output, a summary value, exit 0) and "broken" (a few steps, then exit code 3)."""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

EXPECTED_CONFIG = {
    "lr": 0.001,
    "batch_size": 64,
    "model": "resnet18",
    "optimizer": {"name": "sgd", "momentum": 0.9},
}


def loss(step: int) -> float:
    return 2.0 / (1 + step) + 0.001 * (step % 7)


def accuracy(step: int) -> float:
    return 1 - math.exp(-step / 2000)


def write(directory: Path, steps: int) -> None:
    os.environ.update(
        WANDB_MODE="offline",
        WANDB_DIR=str(directory),
        WANDB_SILENT="true",
        WANDB_DISABLE_GIT="true",
        WANDB_CONSOLE="auto",
    )
    import wandb

    run = wandb.init(
        project="vision",
        name="resnet-a",
        notes="baseline on the small split",
        tags=["baseline", "resnet"],
        config=EXPECTED_CONFIG,
    )
    weights = directory / "weights.bin"
    weights.write_bytes(bytes(range(256)) * 40)
    wandb.save(str(weights), base_path=str(directory))
    print("epoch 0 starting")
    for step in range(steps):
        values = {"train/loss": loss(step), "accuracy": accuracy(step)}
        if step % 10 == 0:
            values["lr"] = 0.001 * (0.5 ** (step // 2500))
        run.log(values, step=step)
        if step and step % 2500 == 0:
            print(f"step {step}: loss {loss(step):.4f}")
    print("done", file=sys.stderr)
    run.summary["best_accuracy"] = accuracy(steps - 1)
    run.finish()

    broken = wandb.init(project="vision", name="broken", config={"lr": 0.1})
    for step in range(5):
        broken.log({"train/loss": float(step)}, step=step)
    broken.finish(exit_code=3)


if __name__ == "__main__":
    write(Path(sys.argv[1]), int(sys.argv[2]))
