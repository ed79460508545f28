#!/usr/bin/env python3
"""Train a tiny neural network on synthetic data, reporting into the Experiment Service.

Needs the client only (``pip install ./client``; no numpy, no torch): a two-layer
perceptron in plain Python learns to tell two interleaved half-moons apart. Every step logs
the batch's loss and accuracy and the learning rate, and reports progress; every epoch logs
the validation loss and accuracy and a log line; the trained weights are uploaded at the
end as a MODEL artifact (JSON). Press Stop in the console and training ends after the
current step.

    export EXPSVC_URL=http://127.0.0.1:8000 EXPSVC_TOKEN=esk_...
    python examples/train_tiny.py "Tiny MLPs separate moons"

The hypothesis (its exact title or id; the script creates only the experiment) can also
come from EXPSVC_HYPOTHESIS. ``--help`` lists the knobs.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import expsvc_client as xs

Point = tuple[float, float]


def half_moons(count: int, rng: random.Random, noise: float = 0.15) -> list[tuple[Point, int]]:
    """``count`` labelled points: label 0 on the upper arc, 1 on the lower, shifted one."""
    rows = []
    for i in range(count):
        label, angle = i % 2, rng.uniform(0.0, math.pi)
        if label == 0:
            x, y = math.cos(angle), math.sin(angle)
        else:
            x, y = 1.0 - math.cos(angle), 0.5 - math.sin(angle)
        rows.append(((x + rng.gauss(0, noise), y + rng.gauss(0, noise)), label))
    rng.shuffle(rows)
    return rows


class TinyMLP:
    """2 inputs → ``hidden`` tanh units → 1 sigmoid output, trained by SGD on log loss."""

    def __init__(self, hidden: int, rng: random.Random) -> None:
        self.w1 = [[rng.gauss(0, 1.0), rng.gauss(0, 1.0)] for _ in range(hidden)]
        self.b1 = [0.0] * hidden
        self.w2 = [rng.gauss(0, 1.0 / math.sqrt(hidden)) for _ in range(hidden)]
        self.b2 = 0.0

    def forward(self, point: Point) -> tuple[list[float], float]:
        x, y = point
        units = range(len(self.b1))
        h = [math.tanh(self.w1[j][0] * x + self.w1[j][1] * y + self.b1[j]) for j in units]
        z = sum(self.w2[j] * h[j] for j in units) + self.b2
        p = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
        return h, p

    def evaluate(self, rows: list[tuple[Point, int]]) -> tuple[float, float]:
        """Mean log loss and accuracy over ``rows``."""
        loss = correct = 0.0
        for point, label in rows:
            _, p = self.forward(point)
            loss += _log_loss(p, label)
            correct += (p >= 0.5) == bool(label)
        return loss / len(rows), correct / len(rows)

    def step(self, batch: list[tuple[Point, int]], lr: float) -> tuple[float, float]:
        """One SGD step on ``batch``; the batch's loss and accuracy before the step."""
        hidden = len(self.b1)
        gw1 = [[0.0, 0.0] for _ in range(hidden)]
        gb1, gw2, gb2 = [0.0] * hidden, [0.0] * hidden, 0.0
        loss = correct = 0.0
        for (x, y), label in batch:
            h, p = self.forward((x, y))
            loss += _log_loss(p, label)
            correct += (p >= 0.5) == bool(label)
            dz = p - label
            gb2 += dz
            for j in range(hidden):
                gw2[j] += dz * h[j]
                dpre = dz * self.w2[j] * (1.0 - h[j] * h[j])
                gw1[j][0] += dpre * x
                gw1[j][1] += dpre * y
                gb1[j] += dpre
        scale = lr / len(batch)
        for j in range(hidden):
            self.w1[j][0] -= scale * gw1[j][0]
            self.w1[j][1] -= scale * gw1[j][1]
            self.b1[j] -= scale * gb1[j]
            self.w2[j] -= scale * gw2[j]
        self.b2 -= scale * gb2
        return loss / len(batch), correct / len(batch)

    def weights(self) -> dict[str, object]:
        return {"w1": self.w1, "b1": self.b1, "w2": self.w2, "b2": self.b2}


def _log_loss(p: float, label: int) -> float:
    p = min(max(p, 1e-12), 1.0 - 1e-12)
    return -math.log(p) if label else -math.log(1.0 - p)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "hypothesis",
        nargs="?",
        default=os.environ.get("EXPSVC_HYPOTHESIS"),
        help="the hypothesis' exact title or id (default: $EXPSVC_HYPOTHESIS)",
    )
    parser.add_argument("--name", help="the experiment's name (default: from the settings)")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--hidden", type=int, default=8, help="hidden units")
    parser.add_argument("--lr", type=float, default=0.5, help="peak learning rate (cosine decay)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--delay", type=float, default=0.05, help="seconds to wait after each step (to watch it)"
    )
    args = parser.parse_args()
    if not args.hypothesis:
        parser.error("name the hypothesis (its title or id), or set EXPSVC_HYPOTHESIS")
    return args


def main() -> int:
    args = arguments()
    rng = random.Random(args.seed)
    train, validation = half_moons(800, rng), half_moons(200, rng)
    model = TinyMLP(args.hidden, rng)
    steps_per_epoch = math.ceil(len(train) / args.batch_size)
    total_steps = steps_per_epoch * args.epochs
    hyperparams = {
        "learning_rate": args.lr,
        "batch_size": args.batch_size,
        "hidden_units": args.hidden,
        "epochs": args.epochs,
        "seed": args.seed,
    }
    with xs.init(
        hypothesis=args.hypothesis,
        name=args.name or f"tiny-mlp h={args.hidden} lr={args.lr}",
        type="ML",
        model="tiny-mlp",
        framework="python",
        hyperparams=hyperparams,
        tags=["example"],
    ) as run:
        print(f"Watch it live: {run.url}")
        step = 0
        for epoch in range(1, args.epochs + 1):
            epoch_loss = 0.0
            for start in range(0, len(train), args.batch_size):
                lr = 0.5 * args.lr * (1 + math.cos(math.pi * step / total_steps))
                loss, accuracy = model.step(train[start : start + args.batch_size], lr)
                step += 1
                epoch_loss += loss / steps_per_epoch
                run.log({"train/loss": loss, "train/accuracy": accuracy, "lr": lr}, step=step)
                run.progress(step, total_steps, epoch=epoch, total_epochs=args.epochs)
                if run.should_stop:
                    print(f"Stopped from the console at step {step}: no model uploaded")
                    return 0
                time.sleep(args.delay)
            val_loss, val_accuracy = model.evaluate(validation)
            run.log({"val/loss": val_loss, "val/accuracy": val_accuracy}, step=step)
            run.log_text(
                f"epoch {epoch}/{args.epochs}: train loss {epoch_loss:.4f}, "
                f"validation loss {val_loss:.4f}, accuracy {val_accuracy:.3f}"
            )
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "tiny-mlp.json"
            path.write_text(json.dumps({**model.weights(), "hyperparams": hyperparams}))
            run.log_artifact(path, kind="MODEL")
        print(f"Done: validation accuracy {val_accuracy:.3f} after {step} steps")
    return 0


if __name__ == "__main__":
    sys.exit(main())
