"""``expsvc demo``: something to watch in GraphiQL right after ``make run``.

The demo is a *client* of a running server: it talks to it over HTTP only (GraphQL for the
hypothesis and the experiments, REST for what a training script sends), so every event it
causes comes out of the server's own broker and reaches whoever watches ``runMonitor``.

``seed`` creates a vision hypothesis with an experiment in every status, and an LLM
hypothesis with three finished fine-tunes (two models, API costs for the judge model, an
evaluation report as an artifact) owned by a second user, Priya Raman, when the caller may
create users (an ADMIN; otherwise, or when she already exists, the caller owns them and the
caller observes hers). Every lifecycle move notifies the caller. ``simulate`` then plays a
training run on the RUNNING one (progress over epochs and steps, loss and accuracy curves,
logs at several levels, one warning) until it ends, the duration is up, or it is cancelled
(Ctrl-C), in which case it stops the experiment cleanly.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import random
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import httpx

__all__ = [
    "DEFAULT_URL",
    "DemoError",
    "DemoIds",
    "DemoOptions",
    "demo_client",
    "monitor_subscription",
    "resolve_token",
    "run_demo",
    "seed",
    "simulate",
]

DEFAULT_URL: Final = "http://127.0.0.1:8000"
API: Final = "/api/v1"
HYPOTHESIS_TITLE: Final = "Demo: does label smoothing help ResNet-50 on ImageNet-100?"
LLM_HYPOTHESIS_TITLE: Final = "Demo: is LoRA on judge-scored data as good as full SFT?"
SECOND_USER: Final[Json] = {
    "name": "Priya Raman",
    "email": "priya.raman@demo.example",
    "role": "MLE",
}
NUM_CLASSES: Final = 100
STOP_ATTEMPTS: Final = 3

Say = Callable[[str], None]
Json = dict[str, Any]


def _quiet(_message: str) -> None:
    return None


class DemoError(Exception):
    """The server refused a request; ``code`` is the contract's error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


@dataclass(frozen=True)
class DemoIds:
    hypothesis: str
    queued: str
    running: str
    completed: tuple[str, ...]
    failed: str
    stopped: str
    llm_hypothesis: str = ""
    llm_completed: tuple[str, ...] = ()


# --- HTTP -------------------------------------------------------------------------------------


def demo_client(url: str, token: str, *, timeout: float = 30.0) -> httpx.AsyncClient:
    """An HTTP client for the server at ``url``, authenticated with ``token``."""
    return httpx.AsyncClient(
        base_url=url.rstrip("/"), headers={"Authorization": f"Bearer {token}"}, timeout=timeout
    )


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _rest_error(response: httpx.Response) -> DemoError:
    body = _body(response)
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return DemoError(str(error.get("code")), str(error.get("message")))
    return DemoError(f"HTTP {response.status_code}", response.text[:200])


async def graphql(client: httpx.AsyncClient, query: str, variables: Json | None = None) -> Json:
    """Run a GraphQL operation; its ``data``, or ``DemoError`` for the first error."""
    response = await client.post("/graphql", json={"query": query, "variables": variables or {}})
    body = _body(response)
    if not isinstance(body, dict):
        raise DemoError(f"HTTP {response.status_code}", response.text[:200])
    errors = body.get("errors")
    if errors:
        first = errors[0]
        code = (first.get("extensions") or {}).get("code", "GRAPHQL_ERROR")
        raise DemoError(str(code), str(first.get("message")))
    data: Json = body["data"]
    return data


async def post(client: httpx.AsyncClient, path: str, body: Any = None) -> Any:
    """POST to the REST API (``path`` under ``/api/v1``); the answer's JSON."""
    response = await client.post(API + path, json=body)
    if response.is_error:
        raise _rest_error(response)
    return _body(response)


# --- a made-up but plausible training run -------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """The shape of a run and its curves: loss falls, accuracy rises, the learning rate
    warms up for one epoch then follows a cosine."""

    epochs: int
    steps_per_epoch: int
    final_accuracy: float = 0.78
    base_lr: float = 0.2
    start_loss: float = math.log(NUM_CLASSES)
    floor_loss: float = 0.95  # label smoothing keeps the cross-entropy well above 0

    @property
    def total_steps(self) -> int:
        return self.epochs * self.steps_per_epoch

    @property
    def warning_step(self) -> int:
        """The step whose gradient norm spikes (the one WARNING of the run)."""
        return max(1, round(self.total_steps * 0.35))

    def epoch_of(self, step: int) -> int:
        """The 1-based epoch that step ``step`` (1-based) belongs to."""
        return min(self.epochs, (max(step, 1) - 1) // self.steps_per_epoch + 1)

    def epoch_end(self, step: int) -> int:
        return self.epoch_of(step + 1) * self.steps_per_epoch

    def _learned(self, step: int) -> float:
        t = step / self.total_steps
        return (1 - math.exp(-4 * t)) / (1 - math.exp(-4))

    def loss(self, step: int, rng: random.Random) -> float:
        clean = self.floor_loss + (self.start_loss - self.floor_loss) * (1 - self._learned(step))
        value = clean + rng.gauss(0, 0.04 + 0.04 * (1 - self._learned(step)))
        if step == self.warning_step:
            value *= 1.8
        return round(max(0.01, value), 4)

    def accuracy(self, step: int, rng: random.Random) -> float:
        clean = 1 / NUM_CLASSES + (self.final_accuracy - 1 / NUM_CLASSES) * self._learned(step)
        return round(min(1.0, max(0.0, clean + rng.gauss(0, 0.012))), 4)

    def learning_rate(self, step: int) -> float:
        warmup = self.steps_per_epoch
        if step <= warmup:
            return round(self.base_lr * step / warmup, 6)
        t = (step - warmup) / max(1, self.total_steps - warmup)
        return round(self.base_lr * 0.5 * (1 + math.cos(math.pi * t)), 6)

    def validation(self, epoch: int, rng: random.Random) -> tuple[float, float]:
        """(val/loss, val/accuracy) at the end of ``epoch``."""
        step = epoch * self.steps_per_epoch
        learned = self._learned(step)
        loss = self.floor_loss + 0.08 + (self.start_loss - self.floor_loss) * (1 - learned)
        accuracy = 1 / NUM_CLASSES + (self.final_accuracy - 0.02 - 1 / NUM_CLASSES) * learned
        return round(loss + rng.gauss(0, 0.02), 4), round(accuracy + rng.gauss(0, 0.004), 4)


@dataclass
class Chunk:
    """What a training script sends for a range of steps: metric points and log lines."""

    points: list[Json] = field(default_factory=list)
    lines: list[Json] = field(default_factory=list)

    def metric(self, key: str, step: int, value: float) -> None:
        self.points.append({"key": key, "step": step, "value": value})

    def log(self, level: str, message: str) -> None:
        self.lines.append({"level": level, "message": message})


def _startup(chunk: Chunk, run: Run, batch_size: int, precision: str = "fp16") -> None:
    chunk.log(
        "INFO", f"dataset imagenet-100: 126,689 train / 5,000 val images, {NUM_CLASSES} classes"
    )
    chunk.log("INFO", f"model resnet50 (23.7M parameters), pretrained=false, precision {precision}")
    chunk.log("DEBUG", f"dataloader: batch_size={batch_size}, num_workers=12, pin_memory=true")
    chunk.log("INFO", f"training for {run.epochs} epochs x {run.steps_per_epoch} steps")


def _train_steps(chunk: Chunk, run: Run, rng: random.Random, first: int, last: int) -> None:
    """Steps ``first..last`` (within one epoch): the curves and the step logs."""
    info_every = max(1, run.steps_per_epoch // 4)
    for step in range(first, last + 1):
        loss, accuracy = run.loss(step, rng), run.accuracy(step, rng)
        chunk.metric("train/loss", step, loss)
        chunk.metric("train/accuracy", step, accuracy)
        chunk.metric("train/lr", step, run.learning_rate(step))
        if step == run.warning_step:
            chunk.log(
                "WARNING",
                f"gradient norm spiked to {rng.uniform(38, 45):.1f} at step {step} "
                "(clipped to 5.0); loss jumped, watch for divergence",
            )
        if step % info_every == 0:
            chunk.log(
                "INFO",
                f"epoch {run.epoch_of(step)}/{run.epochs} step {step}/{run.total_steps} "
                f"loss={loss:.4f} acc={accuracy:.4f} lr={run.learning_rate(step):.5f}",
            )
    throughput = rng.uniform(1050, 1150)
    chunk.log("DEBUG", f"step {last}: data 0.011s, fwd+bwd 0.224s, {throughput:.0f} img/s")


def _epoch_end(chunk: Chunk, run: Run, rng: random.Random, epoch: int) -> tuple[float, float]:
    step = epoch * run.steps_per_epoch
    val_loss, val_accuracy = run.validation(epoch, rng)
    chunk.metric("val/loss", step, val_loss)
    chunk.metric("val/accuracy", step, val_accuracy)
    chunk.log(
        "INFO",
        f"epoch {epoch}/{run.epochs} done: val/loss={val_loss:.4f} val/accuracy={val_accuracy:.4f}",
    )
    chunk.log("DEBUG", f"saved checkpoint checkpoints/epoch-{epoch:03d}.pt")
    return val_loss, val_accuracy


def _steps(chunk: Chunk, run: Run, rng: random.Random, first: int, last: int) -> None:
    """Steps ``first..last`` (within one epoch), with the epoch summary if it ends there."""
    _train_steps(chunk, run, rng, first, last)
    if last % run.steps_per_epoch == 0:
        _epoch_end(chunk, run, rng, last // run.steps_per_epoch)


def _progress(run: Run, step: int) -> Json:
    return {
        "step": step,
        "total_steps": run.total_steps,
        "epoch": run.epoch_of(step),
        "total_epochs": run.epochs,
    }


async def _send(client: httpx.AsyncClient, experiment_id: str, chunk: Chunk) -> None:
    base = f"/experiments/{experiment_id}"
    if chunk.points:
        await post(client, f"{base}/metrics/batch", {"points": chunk.points})
    if chunk.lines:
        await post(client, f"{base}/logs", {"lines": chunk.lines})


# --- seeding --------------------------------------------------------------------------------------

CREATE_HYPOTHESIS: Final = """
mutation($input: CreateHypothesisInput!) { createHypothesis(input: $input) { id } }"""
CREATE_EXPERIMENT: Final = """
mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }"""

RESOURCES: Final[Json] = {
    "gpuType": "A100",
    "gpuCount": 1,
    "cpuCores": 16,
    "memoryGb": 64,
    "maxDurationMinutes": 240,
}
GIT: Final[Json] = {
    "repoUrl": "https://github.com/example-lab/vision-training.git",
    "commit": "3f9c2a1e8b7d4c6f0a1b2c3d4e5f60718293a4b5",
    "branch": "label-smoothing",
}


def _hyperparams(**overrides: Any) -> Json:
    """ResNet-50 on ImageNet-100 with SGD (the CV preset's fields)."""
    return {
        "learning_rate": 0.2,
        "batch_size": 256,
        "epochs": 10,
        "image_size": 224,
        "augmentations": ["random_resized_crop", "horizontal_flip"],
        "optimizer": "sgd",
        "momentum": 0.9,
        "weight_decay": 1e-4,
        "lr_scheduler": "cosine",
        "warmup_epochs": 1,
        "label_smoothing": 0.1,
        "num_classes": NUM_CLASSES,
        "pretrained": False,
        "precision": "fp16",
        "seed": 42,
        **overrides,
    }


async def _create(
    client: httpx.AsyncClient,
    hypothesis_id: str,
    name: str,
    description: str,
    hyperparams: Json,
    tags: list[str],
) -> str:
    spec = {
        "hypothesisId": hypothesis_id,
        "name": name,
        "description": description,
        "type": "CV",
        "model": "resnet50",
        "approach": "supervised classification",
        "framework": "pytorch",
        "hyperparams": hyperparams,
        "config": {"dataset": "imagenet-100", "num_workers": 12},
        "resources": RESOURCES,
        "git": GIT,
        "tags": ["demo", *tags],
    }
    data = await graphql(client, CREATE_EXPERIMENT, {"input": spec})
    experiment_id: str = data["createExperiment"]["id"]
    return experiment_id


async def _finished_run(
    client: httpx.AsyncClient, experiment_id: str, final_accuracy: float, seed: int
) -> None:
    """Start, send a short history (5 epochs x 20 steps), complete."""
    run = Run(epochs=5, steps_per_epoch=20, final_accuracy=final_accuracy)
    rng = random.Random(seed)
    chunk = Chunk()
    _startup(chunk, run, batch_size=256)
    for epoch in range(1, run.epochs + 1):
        last = epoch * run.steps_per_epoch
        _steps(chunk, run, rng, last - run.steps_per_epoch + 1, last)
    chunk.log("INFO", "training finished; best checkpoint checkpoints/best.pt")
    base = f"/experiments/{experiment_id}"
    await post(client, f"{base}/start")
    await _send(client, experiment_id, chunk)
    await post(client, f"{base}/progress", _progress(run, run.total_steps))
    await post(client, f"{base}/complete")


async def _failed_run(client: httpx.AsyncClient, experiment_id: str) -> None:
    """Start, a few steps, then CUDA out of memory."""
    run = Run(epochs=10, steps_per_epoch=120)
    rng = random.Random(3)
    chunk = Chunk()
    _startup(chunk, run, batch_size=512, precision="fp32")
    _train_steps(chunk, run, rng, 1, 30)
    chunk.log("WARNING", "GPU 0 memory at 39.1 / 39.6 GiB after step 30")
    chunk.log(
        "ERROR",
        "torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB "
        "(GPU 0; 39.59 GiB total capacity; 37.81 GiB already allocated)",
    )
    base = f"/experiments/{experiment_id}"
    await post(client, f"{base}/start")
    await _send(client, experiment_id, chunk)
    await post(client, f"{base}/progress", _progress(run, 31))
    message = "CUDA out of memory at step 31 (batch_size=512 in fp32 does not fit one A100 40GB)"
    await post(client, f"{base}/fail", {"reason": "OOM", "message": message})


async def _stopped_run(client: httpx.AsyncClient, experiment_id: str) -> None:
    """Start, two epochs that go nowhere, stopped by hand."""
    run = Run(epochs=10, steps_per_epoch=20, final_accuracy=0.35)
    rng = random.Random(5)
    chunk = Chunk()
    _startup(chunk, run, batch_size=256)
    _steps(chunk, run, rng, 1, 20)
    _steps(chunk, run, rng, 21, 40)
    base = f"/experiments/{experiment_id}"
    await post(client, f"{base}/start")
    await _send(client, experiment_id, chunk)
    await post(client, f"{base}/progress", _progress(run, 40))
    message = "val/accuracy flat after 2 epochs with ls=0.4; stopped to free the GPU"
    await post(client, f"{base}/stop", {"message": message})


# --- the LLM hypothesis ---------------------------------------------------------------------------

CREATE_USER: Final = """
mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } token } }"""
ME: Final = "query { me { id } }"
JUDGE: Final = "gpt-4o-mini"
JUDGE_PROMPTS: Final = 500
JUDGE_COST_PER_PROMPT: Final = 0.00124  # USD per scored answer
LLM_GIT: Final[Json] = {
    "repoUrl": "https://github.com/example-lab/llm-finetune.git",
    "commit": "9b41d7c02e5f8a6b3c1d0e9f8a7b6c5d4e3f2a10",
    "branch": "judge-data",
}


@dataclass(frozen=True)
class FineTune:
    """An LLM fine-tune: the token loss falls towards ``final_loss``, the judge's 1-10 score
    of held-out answers rises towards ``final_judge``; evaluated every ``eval_every`` steps."""

    name: str
    model: str
    approach: str
    description: str
    hyperparams: Json
    resources: Json
    tags: tuple[str, ...]
    final_loss: float
    final_judge: float
    seed: int
    steps: int = 600
    log_every: int = 10
    eval_every: int = 100
    start_loss: float = 2.05
    start_judge: float = 5.1

    def _learned(self, step: int) -> float:
        return (1 - math.exp(-4 * step / self.steps)) / (1 - math.exp(-4))

    def loss(self, step: int, rng: random.Random) -> float:
        clean = self.final_loss + (self.start_loss - self.final_loss) * (1 - self._learned(step))
        return round(clean + rng.gauss(0, 0.03), 4)

    def judge(self, step: int, rng: random.Random) -> float:
        clean = self.start_judge + (self.final_judge - self.start_judge) * self._learned(step)
        return round(clean + rng.gauss(0, 0.04), 2)

    def learning_rate(self, step: int) -> float:
        base = float(self.hyperparams["learning_rate"])
        warmup = max(1, round(self.steps * 0.03))
        if step <= warmup:
            return base * step / warmup
        t = (step - warmup) / max(1, self.steps - warmup)
        return base * 0.5 * (1 + math.cos(math.pi * t))


def _lora(rank: int, **overrides: Any) -> Json:
    """The LLM preset's fields for a LoRA run on the judge-scored instructions."""
    return {
        "learning_rate": 2e-4,
        "batch_size": 8,
        "gradient_accumulation_steps": 4,
        "epochs": 3,
        "max_steps": 600,
        "max_seq_length": 2048,
        "lora_rank": rank,
        "lora_alpha": 2 * rank,
        "lora_dropout": 0.05,
        "lora_target_modules": ["q_proj", "k_proj", "v_proj", "o_proj"],
        "warmup_ratio": 0.03,
        "lr_scheduler": "cosine",
        "optimizer": "adamw",
        "precision": "bf16",
        "gradient_checkpointing": True,
        "seed": 42,
        **overrides,
    }


FINE_TUNES: Final = (
    FineTune(
        name="llama-3-8b full SFT",
        model="llama-3-8b",
        approach="full fine-tuning",
        description="Every weight trained on the 52k judge-scored instructions: the reference.",
        hyperparams={
            **{k: v for k, v in _lora(16).items() if not k.startswith("lora_")},
            "learning_rate": 2e-5,
            "optimizer": "adamw_8bit",
        },
        resources={
            "gpuType": "H100",
            "gpuCount": 8,
            "cpuCores": 64,
            "memoryGb": 512,
            "maxDurationMinutes": 720,
        },
        tags=("sft", "baseline"),
        final_loss=0.88,
        final_judge=7.6,
        seed=11,
    ),
    FineTune(
        name="llama-3-8b LoRA r=16",
        model="llama-3-8b",
        approach="LoRA",
        description="LoRA adapters (r=16) on the attention projections, same data and steps.",
        hyperparams=_lora(16),
        resources={
            "gpuType": "A100",
            "gpuCount": 4,
            "cpuCores": 32,
            "memoryGb": 256,
            "maxDurationMinutes": 720,
        },
        tags=("lora",),
        final_loss=0.97,
        final_judge=7.3,
        seed=12,
    ),
    FineTune(
        name="mistral-7b LoRA r=32",
        model="mistral-7b",
        approach="LoRA",
        description="The same recipe on Mistral-7B, with a larger rank.",
        hyperparams=_lora(32, learning_rate=1e-4),
        resources={
            "gpuType": "A100",
            "gpuCount": 4,
            "cpuCores": 32,
            "memoryGb": 256,
            "maxDurationMinutes": 720,
        },
        tags=("lora", "mistral"),
        final_loss=1.02,
        final_judge=7.1,
        seed=13,
    ),
)


async def _create_fine_tune(client: httpx.AsyncClient, hypothesis_id: str, tune: FineTune) -> str:
    spec = {
        "hypothesisId": hypothesis_id,
        "name": tune.name,
        "description": tune.description,
        "type": "LLM",
        "model": tune.model,
        "approach": tune.approach,
        "framework": "pytorch",
        "hyperparams": tune.hyperparams,
        "config": {
            "dataset": {"name": "instructions-judged", "rows": 52_000, "revision": "2025-05"},
            "eval": {"every_steps": tune.eval_every, "judge": JUDGE, "prompts": JUDGE_PROMPTS},
        },
        "resources": tune.resources,
        "git": LLM_GIT,
        "tags": ["demo", "llm", *tune.tags],
    }
    data = await graphql(client, CREATE_EXPERIMENT, {"input": spec})
    experiment_id: str = data["createExperiment"]["id"]
    return experiment_id


async def _finished_fine_tune(
    client: httpx.AsyncClient, experiment_id: str, tune: FineTune
) -> None:
    """Start, send the curves, the logs and one judge API cost per evaluation, upload the
    evaluation report, complete."""
    rng = random.Random(tune.seed)
    chunk = Chunk()
    chunk.log("INFO", "dataset instructions-judged: 52,000 train / 1,000 eval prompts")
    chunk.log("INFO", f"model {tune.model} ({tune.approach}), precision bf16")
    scores: list[Json] = []
    for step in range(tune.log_every, tune.steps + 1, tune.log_every):
        loss = tune.loss(step, rng)
        chunk.metric("train/loss", step, loss)
        chunk.metric("train/lr", step, round(tune.learning_rate(step), 9))
        if step % tune.eval_every == 0:
            judge = tune.judge(step, rng)
            chunk.metric("eval/loss", step, round(loss + 0.06 + rng.gauss(0, 0.01), 4))
            chunk.metric("eval/judge_score", step, judge)
            scores.append({"step": step, "judge_score": judge})
            chunk.log(
                "INFO",
                f"step {step}/{tune.steps} eval: judge score {judge:.2f} "
                f"({JUDGE_PROMPTS} prompts scored by {JUDGE})",
            )
        elif step % 50 == 0:
            chunk.log("INFO", f"step {step}/{tune.steps} loss={loss:.4f}")
    chunk.log("INFO", f"training finished; adapter saved to out/{tune.name.replace(' ', '_')}")
    base = f"/experiments/{experiment_id}"
    await post(client, f"{base}/start")
    await _send(client, experiment_id, chunk)
    await post(client, f"{base}/progress", {"step": tune.steps, "total_steps": tune.steps})
    for score in scores:
        amount = round(JUDGE_PROMPTS * JUDGE_COST_PER_PROMPT, 2)
        description = f"{JUDGE} judge, eval at step {score['step']} ({JUDGE_PROMPTS} prompts)"
        await post(client, f"{base}/api-costs", {"amount": amount, "description": description})
    report = {"judge": JUDGE, "prompts": JUDGE_PROMPTS, "evaluations": scores}
    response = await client.post(
        f"{API}{base}/artifacts",
        data={"kind": "REPORT", "name": "eval-report.json"},
        files={"file": ("eval-report.json", json.dumps(report, indent=2).encode())},
    )
    if response.is_error:
        raise _rest_error(response)
    await post(client, f"{base}/complete")


async def _second_user(client: httpx.AsyncClient) -> httpx.AsyncClient | None:
    """A client acting as Priya Raman, made now; None when the caller may not create users
    or she exists already (her token was shown once, when she was made)."""
    try:
        data = await graphql(client, CREATE_USER, {"input": SECOND_USER})
    except DemoError as exc:
        if exc.code in ("FORBIDDEN", "VALIDATION_FAILED"):
            return None
        raise
    return demo_client(str(client.base_url), data["createUser"]["token"])


async def _seed_llm(client: httpx.AsyncClient) -> tuple[str, tuple[str, ...]]:
    """The LLM hypothesis and its finished fine-tunes, by Priya Raman when she can be made
    (the caller observes it, so its moves notify the caller too)."""
    me: str = (await graphql(client, ME))["me"]["id"]
    other = await _second_user(client)
    async with contextlib.AsyncExitStack() as stack:
        author = client if other is None else await stack.enter_async_context(other)
        hypothesis_input: Json = {"title": LLM_HYPOTHESIS_TITLE}
        if other is not None:
            hypothesis_input["observerIds"] = [me]
        data = await graphql(author, CREATE_HYPOTHESIS, {"input": hypothesis_input})
        hypothesis: str = data["createHypothesis"]["id"]
        done = []
        for tune in FINE_TUNES:
            experiment_id = await _create_fine_tune(author, hypothesis, tune)
            await _finished_fine_tune(author, experiment_id, tune)
            done.append(experiment_id)
    return hypothesis, tuple(done)


async def seed(client: httpx.AsyncClient) -> DemoIds:
    """A vision hypothesis with experiments in every status, the RUNNING one left running
    (``simulate`` plays it), and the LLM hypothesis with three finished fine-tunes."""
    data = await graphql(client, CREATE_HYPOTHESIS, {"input": {"title": HYPOTHESIS_TITLE}})
    hypothesis: str = data["createHypothesis"]["id"]

    baseline = await _create(
        client,
        hypothesis,
        "resnet50 baseline (no label smoothing)",
        "The reference run: cross-entropy without label smoothing.",
        _hyperparams(label_smoothing=0.0),
        ["baseline"],
    )
    await _finished_run(client, baseline, final_accuracy=0.762, seed=1)
    smoothed = await _create(
        client,
        hypothesis,
        "resnet50 ls=0.1",
        "Label smoothing 0.1, otherwise the baseline.",
        _hyperparams(),
        ["label-smoothing"],
    )
    await _finished_run(client, smoothed, final_accuracy=0.781, seed=2)
    failed = await _create(
        client,
        hypothesis,
        "resnet50 ls=0.1 bs=512 fp32",
        "Twice the batch in full precision: does it still fit one GPU?",
        _hyperparams(batch_size=512, learning_rate=0.4, precision="fp32"),
        ["label-smoothing", "large-batch"],
    )
    await _failed_run(client, failed)
    stopped = await _create(
        client,
        hypothesis,
        "resnet50 ls=0.4",
        "Much stronger smoothing.",
        _hyperparams(label_smoothing=0.4),
        ["label-smoothing"],
    )
    await _stopped_run(client, stopped)
    queued = await _create(
        client,
        hypothesis,
        "resnet50 ls=0.1 + mixup",
        "Label smoothing together with mixup (alpha 0.2); waits for a GPU.",
        _hyperparams(mixup_alpha=0.2),
        ["label-smoothing", "mixup"],
    )
    running = await _create(
        client,
        hypothesis,
        "resnet50 ls=0.1 seed=7 (live)",
        "A second seed of ls=0.1, played live by `expsvc demo`.",
        _hyperparams(seed=7),
        ["label-smoothing", "live"],
    )
    await post(client, f"/experiments/{running}/start")
    llm_hypothesis, llm_completed = await _seed_llm(client)
    return DemoIds(
        hypothesis,
        queued,
        running,
        (baseline, smoothed),
        failed,
        stopped,
        llm_hypothesis,
        llm_completed,
    )


# --- the live run ---------------------------------------------------------------------------------


async def _status(client: httpx.AsyncClient, experiment_id: str) -> str:
    response = await client.get(f"{API}/experiments/{experiment_id}")
    if response.is_error:
        raise _rest_error(response)
    status: str = response.json()["status"]
    return status


async def _stop(client: httpx.AsyncClient, experiment_id: str, say: Say) -> None:
    """Note the interruption in the log, then stop the run (retrying a busy server)."""
    base = f"/experiments/{experiment_id}"
    with contextlib.suppress(DemoError, httpx.HTTPError):
        line = {"level": "INFO", "message": "interrupted (Ctrl-C); stopping"}
        await post(client, f"{base}/logs", {"lines": [line]})
    error: Exception | None = None
    for _attempt in range(STOP_ATTEMPTS):
        try:
            await post(client, f"{base}/stop", {"message": "stopped from `expsvc demo`"})
        except DemoError as exc:
            if exc.code == "INVALID_TRANSITION":
                return  # it already ended
            error = exc
        except httpx.HTTPError as exc:
            error = exc
        else:
            say(f"stopped experiment {experiment_id}")
            return
        await asyncio.sleep(0.5)
    say(f"could not stop experiment {experiment_id}: {error!r}")


def _epoch_line(chunk: Chunk, experiment: Any) -> str:
    """The epoch summary for the terminal, with the ETA the server computed."""
    summary = next(line["message"] for line in chunk.lines if " done: " in line["message"])
    eta = (
        experiment.get("progress", {}).get("eta_seconds") if isinstance(experiment, dict) else None
    )
    return summary if eta is None else f"{summary}  (ETA {_minutes(eta)})"


async def _play(
    client: httpx.AsyncClient,
    experiment_id: str,
    run: Run,
    *,
    tick_seconds: float,
    steps_per_tick: int,
    deadline: float | None,
    say: Say,
) -> None:
    rng = random.Random(7)
    chunk = Chunk()
    _startup(chunk, run, batch_size=256)
    await _send(client, experiment_id, chunk)
    step = 0
    while step < run.total_steps and (deadline is None or time.monotonic() < deadline):
        began = time.monotonic()
        last = min(step + steps_per_tick, run.epoch_end(step))
        chunk = Chunk()
        _steps(chunk, run, rng, step + 1, last)
        await _send(client, experiment_id, chunk)
        answer = await post(client, f"/experiments/{experiment_id}/progress", _progress(run, last))
        if last % run.steps_per_epoch == 0:
            say(_epoch_line(chunk, answer))
        step = last
        await asyncio.sleep(max(0.0, tick_seconds - (time.monotonic() - began)))
    chunk = Chunk()
    chunk.log("INFO", f"training finished at step {step}/{run.total_steps}")
    await _send(client, experiment_id, chunk)


async def simulate(
    client: httpx.AsyncClient,
    experiment_id: str,
    *,
    epochs: int = 10,
    steps_per_epoch: int = 200,
    tick_seconds: float = 1.0,
    steps_per_second: float = 10.0,
    duration: float | None = None,
    say: Say = _quiet,
) -> str:
    """Play a training run on the RUNNING experiment: each tick sends a metric batch, log
    lines and a progress report; each epoch ends with validation metrics. When all epochs
    are done or ``duration`` seconds are up the experiment is completed; when the task is
    cancelled (Ctrl-C) it is stopped. Returns the final status (also when someone else
    ended the run meanwhile)."""
    run = Run(epochs=epochs, steps_per_epoch=steps_per_epoch)
    steps_per_tick = max(1, round(steps_per_second * tick_seconds))
    deadline = None if duration is None else time.monotonic() + duration
    try:
        await _play(
            client,
            experiment_id,
            run,
            tick_seconds=tick_seconds,
            steps_per_tick=steps_per_tick,
            deadline=deadline,
            say=say,
        )
        await post(client, f"/experiments/{experiment_id}/complete")
    except asyncio.CancelledError:
        await _stop(client, experiment_id, say)
        raise
    except DemoError as exc:
        if exc.code != "INVALID_TRANSITION":
            raise
        status = await _status(client, experiment_id)  # stopped or failed from elsewhere
        say(f"experiment {experiment_id} is {status} (changed outside the demo)")
        return status
    say(f"experiment {experiment_id} COMPLETED")
    return "COMPLETED"


# --- the command -------------------------------------------------------------------------------

MONITOR: Final = """subscription {
  runMonitor(experimentId: "%s") {
    __typename
    ... on ProgressEvent { progress { epoch totalEpochs step totalSteps fraction etaSeconds } }
    ... on MetricsEvent { points { key step value } }
    ... on LogsEvent { lines { seq level message } }
    ... on StatusEvent { status failure { reason message } }
  }
}"""


def monitor_subscription(experiment_id: str) -> str:
    """A ready-to-paste GraphiQL subscription for the experiment."""
    return MONITOR % experiment_id


@dataclass(frozen=True)
class DemoOptions:
    url: str = DEFAULT_URL
    token: str = ""
    duration: float | None = None
    tick_seconds: float = 1.0
    steps_per_second: float = 10.0
    epochs: int = 10
    steps_per_epoch: int = 200
    seed_only: bool = False  # seed, print the ids and leave the RUNNING one running

    def __post_init__(self) -> None:
        positive = {
            "--tick": self.tick_seconds,
            "--speed": self.steps_per_second,
            "--epochs": self.epochs,
            "--steps-per-epoch": self.steps_per_epoch,
        }
        if self.duration is not None:
            positive["--duration"] = self.duration
        for option, value in positive.items():
            if not value > 0:
                raise DemoError("BAD_OPTION", f"{option} must be > 0")


def resolve_token(token: str | None, token_file: Path | None, data_dir: Path) -> str:
    """``token``, else the first line of ``token_file``, else of ``<data_dir>/admin-token``."""
    if token:
        return token.strip()
    path = token_file or data_dir / "admin-token"
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise DemoError(
            "NO_TOKEN",
            f"cannot read a token from {path} ({exc.strerror}); start the server with "
            "`make run` first (run this in the same folder, or set EXPSVC_HOME), or pass "
            "--token / --token-file",
        ) from None
    if not text:
        raise DemoError("NO_TOKEN", f"{path} is empty; pass --token or --token-file")
    return text.splitlines()[0].strip()


def _describe_seed(ids: DemoIds, say: Say) -> None:
    """The hypotheses and experiments ``seed`` made, one id a line."""
    say(f'Seeded hypothesis {ids.hypothesis} "{HYPOTHESIS_TITLE}":')
    rows = [
        ("QUEUED", ids.queued),
        ("RUNNING", ids.running),
        *(("COMPLETED", one) for one in ids.completed),
        ("FAILED", ids.failed),
        ("STOPPED", ids.stopped),
    ]
    for status, experiment_id in rows:
        say(f"  {status:<10} {experiment_id}")
    say(f'Seeded hypothesis {ids.llm_hypothesis} "{LLM_HYPOTHESIS_TITLE}":')
    for experiment_id in ids.llm_completed:
        say(f"  {'COMPLETED':<10} {experiment_id}")
    say("")
    say(f"Live run: {ids.running}")


def _describe(options: DemoOptions, ids: DemoIds, say: Say) -> None:
    _describe_seed(ids, say)
    say(f"Watch it: open {options.url.rstrip('/')}/graphql, put")
    say('  {"Authorization": "Bearer <token>"}')
    say("in the Headers pane (the admin token is in .expsvc/admin-token) and run:")
    say("")
    say(monitor_subscription(ids.running))
    say("")
    seconds = options.epochs * options.steps_per_epoch / options.steps_per_second
    if options.duration is not None and options.duration < seconds:
        seconds, end = options.duration, "then completes it early"
    else:
        end = "then completes it"
    say(
        f"Training {options.epochs} epochs x {options.steps_per_epoch} steps at "
        f"{options.steps_per_second:g} steps/s for about {_minutes(seconds)}, {end}; "
        "Ctrl-C stops it."
    )


def _minutes(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


def _catch_ctrl_c(say: Say) -> Callable[[], object]:
    """Make the first Ctrl-C cancel this task (``simulate`` then stops the run) and ignore
    the next ones, so the stop request is not cut short (``timeout -s INT``, for one, sends
    the signal twice). Returns the undo; a no-op where the loop cannot catch signals."""
    task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    presses = 0

    def on_sigint() -> None:
        nonlocal presses
        presses += 1
        if presses == 1 and task is not None:
            say("Ctrl-C: stopping…")
            task.cancel()

    try:
        loop.add_signal_handler(signal.SIGINT, on_sigint)
    except (NotImplementedError, RuntimeError, ValueError):  # Windows, not the main thread
        return lambda: None
    return lambda: loop.remove_signal_handler(signal.SIGINT)


async def _demo(options: DemoOptions, say: Say) -> str:
    restore = _catch_ctrl_c(say)
    try:
        async with demo_client(options.url, options.token) as client:
            ids = await seed(client)
            if options.seed_only:
                _describe_seed(ids, say)
                return "RUNNING"
            _describe(options, ids, say)
            return await simulate(
                client,
                ids.running,
                epochs=options.epochs,
                steps_per_epoch=options.steps_per_epoch,
                tick_seconds=options.tick_seconds,
                steps_per_second=options.steps_per_second,
                duration=options.duration,
                say=say,
            )
    except asyncio.CancelledError:  # Ctrl-C: simulate has stopped the run
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()
        return "STOPPED"
    finally:
        restore()


def run_demo(options: DemoOptions, say: Say = print, warn: Say = print) -> int:
    """Seed and play until done or Ctrl-C (or only seed, with ``seed_only``); the exit
    code (0 also after Ctrl-C)."""
    try:
        asyncio.run(_demo(options, say))
    except KeyboardInterrupt:  # where the loop cannot catch SIGINT itself
        return 0
    except httpx.TransportError as exc:
        warn(f"error: cannot reach {options.url} ({exc!r}); is the server up (`make run`)?")
        return 1
    except DemoError as exc:
        warn(f"error: {exc}")
        return 1
    return 0
